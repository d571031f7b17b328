"""The «API-nøkler» pages: each user's own keys, everyone's for administrators, the docs."""

import pytest
from django.urls import reverse

from api.models import ApiToken, TokenScope
from api.selectors import token_for_secret
from tests.api.factories import token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["tokens:list", "tokens:docs", "tokens:admin_list"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url", ["tokens:list", "tokens:docs"])
def test_users_without_crm_access_are_refused(client, no_access_user, url):
    client.force_login(no_access_user)
    assert client.get(reverse(url)).status_code == 403


def test_everyones_keys_are_for_administrators_only(client, staff, other_staff):
    token, _secret = token_for(other_staff)
    client.force_login(staff)
    assert client.get(reverse("tokens:admin_list")).status_code == 403
    assert client.post(reverse("tokens:admin_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_new_key_is_shown_once_and_stored_hashed(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("tokens:list"), {"name": "Nettbutikk", "scope": "read_write", "expires": "30"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("kk_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=staff)
    assert token.name == "Nettbutikk" and token.scope == TokenScope.READ_WRITE
    assert secret not in (token.digest, token.prefix) and secret.startswith(token.prefix)
    assert token_for_secret(secret) == token
    again = client.get(reverse("tokens:list")).content.decode()
    assert secret not in again and token.prefix in again
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_key_needs_a_name(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("tokens:list"), {"name": "  ", "scope": "read", "expires": "30"}
    )
    assert "Gi nøkkelen et navn." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_my_own_keys(client, staff, other_staff):
    token_for(staff, name="Min nøkkel")
    token_for(other_staff, name="Kollegas nøkkel")
    client.force_login(staff)
    page = client.get(reverse("tokens:list")).content.decode()
    assert "Min nøkkel" in page and "Kollegas nøkkel" not in page


def test_i_revoke_my_own_key_and_it_stops_working(client, staff):
    token, secret = token_for(staff)
    client.force_login(staff)
    response = client.post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    assert token_for_secret(secret) is None


def test_i_cannot_revoke_someone_elses_key(client, staff, other_staff):
    token, secret = token_for(other_staff)
    client.force_login(staff)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    assert token_for_secret(secret) == token


def test_an_administrator_sees_and_revokes_anyones_key(client, firm_admin, staff):
    token, secret = token_for(staff, name="Regnskap")
    client.force_login(firm_admin)
    assert "Regnskap" in client.get(reverse("tokens:admin_list")).content.decode()
    client.post(reverse("tokens:admin_revoke", args=[token.pk]))
    assert token_for_secret(secret) is None


def test_revoking_is_a_post(client, staff):
    token, _secret = token_for(staff)
    client.force_login(staff)
    assert client.get(reverse("tokens:revoke", args=[token.pk])).status_code == 405


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client, staff):
    client.force_login(staff)
    page = client.get(reverse("tokens:docs")).content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "https://" not in page.split("<main", 1)[1].split("</main>", 1)[0]
