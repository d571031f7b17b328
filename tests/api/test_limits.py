"""The rate limit per token, and hostile input: never a 5xx."""

import json

import pytest

from tests.api.factories import bearer, token_for
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_past_the_limit_a_token_gets_429_with_retry_after(client, staff, settings):
    settings.API_RATE_LIMIT = (3, 60)
    _token, secret = token_for(staff)
    for _ in range(3):
        assert client.get("/api/v1/categories", **bearer(secret)).status_code == 200
    response = client.get("/api/v1/categories", **bearer(secret))
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_limit_is_per_token(client, staff, settings):
    settings.API_RATE_LIMIT = (1, 60)
    _first, one = token_for(staff)
    _second, two = token_for(staff, name="Other")
    assert client.get("/api/v1/categories", **bearer(one)).status_code == 200
    assert client.get("/api/v1/categories", **bearer(one)).status_code == 429
    assert client.get("/api/v1/categories", **bearer(two)).status_code == 200


HOSTILE = [
    "\x00",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "a" * 5000,
    "😀" * 50,
    "<script>alert(1)</script>",
    "9" * 40,
    "-1",
    "null",
]


LISTS = ["/api/v1/contacts", "/api/v1/notes", "/api/v1/files", "/api/v1/orders", "/api/v1/tasks"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_parameters_never_give_a_5xx(client, staff_auth, value):
    ContactFactory(last_name="Hansen")
    names = ["q", "type", "match", "selection", "category", "cursor", "limit", "updated_since"]
    names += ["contact", "company"]
    # Every parameter at once at each list, and each alone at the contacts.
    asked = [(url, dict.fromkeys(names, value)) for url in LISTS]
    asked += [("/api/v1/contacts", {name: value}) for name in names]
    for url, params in asked:
        response = client.get(url, params, **staff_auth)
        assert response.status_code < 500, (url, params, response.status_code)


@pytest.mark.parametrize("value", HOSTILE + [None, 12, 1.5, True, [], {}, ["x"], [10**30]])
def test_hostile_bodies_never_give_a_5xx(client, staff_auth, value):
    contact = ContactFactory()
    targets = [
        ("post", "/api/v1/contacts"),
        ("patch", f"/api/v1/contacts/{contact.pk}"),
        ("post", "/api/v1/companies"),
        ("post", "/api/v1/company-links"),
        ("post", "/api/v1/appointments"),
        ("post", "/api/v1/tasks"),
        ("post", "/api/v1/notes"),
        ("post", "/api/v1/projects"),
    ]
    fields = [
        "last_name",
        "emails",
        "categories",
        "owner",
        "customer_number",
        "name",
        "contact",
        "company",
        "start_at",
        "end_at",
        "title",
        "due_date",
        "status",
        "priority",
        "text",
        "private",
        "participants",
        "contacts",
        "country",
        "mobile",
    ]
    for method, url in targets:
        for field in fields:
            body = json.dumps({field: value})
            response = getattr(client, method)(
                url, body, content_type="application/json", **staff_auth
            )
            assert response.status_code < 500, (url, field, response.status_code)
    for junk in (b"{", b"[]", b"\xff\xfe", b"null", b'"x"'):
        response = client.post(
            "/api/v1/contacts", junk, content_type="application/json", **staff_auth
        )
        assert response.status_code < 500, junk


def test_huge_ids_in_paths_are_404(client, staff_auth):
    assert client.get(f"/api/v1/contacts/{10**30}", **staff_auth).status_code in (404, 422)
    assert client.get("/api/v1/contacts/99999999", **staff_auth).status_code == 404
