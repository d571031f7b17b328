"""Tokens: stored as a digest, found in one probe, used as their user, and a leaf app."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken
from api.selectors import token_for_secret
from api.services import token_create, token_revoke
from tests.api.factories import bearer, token_for
from tests.test_import_direction import APPS, ROOT, imported_apps, modules

pytestmark = pytest.mark.django_db


def test_the_secret_is_long_random_and_never_stored(staff):
    token, secret = token_for(staff)
    _other, second = token_for(staff)
    assert secret != second and len(secret) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(v) for v in stored.values()]


def test_using_a_token_notes_when_it_was_last_used(client, staff):
    token, secret = token_for(staff)
    assert token.last_used_at is None
    client.get("/api/v1/categories", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_expiry_in_the_past_is_refused(staff):
    with pytest.raises(ValidationError):
        token_create(user=staff, name="Gammel", expires_at=timezone.now() - dt.timedelta(days=1))


def test_revoking_twice_keeps_the_first_moment(staff):
    token, secret = token_for(staff)
    first = token_revoke(token=token).revoked_at
    assert token_revoke(token=token).revoked_at == first
    assert token_for_secret(secret) is None


def test_an_inactive_user_s_token_is_refused(client, staff):
    _token, secret = token_for(staff)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert client.get("/api/v1/categories", **bearer(secret)).status_code == 403


def test_no_other_app_imports_the_api():
    # The benchmarks time it, as they time the pages; no app of the CRM uses it.
    importers = {
        str(path.relative_to(ROOT))
        for app in sorted(APPS - {"api"})
        for path in modules(app)
        if "api" in _apps_with_api(path)
    }
    assert importers == set()


def _apps_with_api(path):
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names | imported_apps(path)
