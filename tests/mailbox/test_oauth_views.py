"""Who may open the OAuth pages, and the administrators' app registrations."""

import pytest
from django.urls import reverse

from mailbox import crypto
from mailbox.models import OAuthApp
from mailbox.oauth.services import oauth_app_save
from tests.mailbox.factories import MailAccountFactory

pytestmark = pytest.mark.django_db


def _oauth_account(user):
    return MailAccountFactory(
        user=user, sign_in="microsoft", host="outlook.office365.com", password_encrypted=""
    )


def _requests(account):
    return [
        ("post", reverse("mailbox:oauth_connect", args=["microsoft"])),
        ("post", reverse("mailbox:oauth_reconnect", args=[account.pk])),
        ("get", reverse("mailbox:oauth_callback") + "?state=x&code=y"),
        ("get", reverse("mailbox:oauth_apps")),
        ("post", reverse("mailbox:oauth_apps")),
    ]


def test_anonymous_users_are_sent_to_login(client, staff):
    for method, url in _requests(_oauth_account(staff)):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_users_without_crm_access_are_refused(client, no_access_user):
    client.force_login(no_access_user)
    for method, url in _requests(_oauth_account(no_access_user)):
        assert getattr(client, method)(url).status_code == 403, url


def test_office_staff_may_not_open_the_app_registrations(staff_client):
    assert staff_client.get(reverse("mailbox:oauth_apps")).status_code == 403
    response = staff_client.post(
        reverse("mailbox:oauth_apps"),
        {"provider": "google", "google-client_id": "x", "google-client_secret": "y"},
    )
    assert response.status_code == 403
    assert not OAuthApp.objects.exists()


def test_another_users_account_cannot_be_connected_again(staff_client, other_staff):
    oauth_app_save(provider="microsoft", client_id="app", client_secret="s", tenant="")
    theirs = _oauth_account(other_staff)
    url = reverse("mailbox:oauth_reconnect", args=[theirs.pk])
    assert staff_client.post(url).status_code == 404


def test_a_password_account_has_no_reconnect(staff, staff_client):
    oauth_app_save(provider="microsoft", client_id="app", client_secret="s", tenant="")
    account = MailAccountFactory(user=staff)
    url = reverse("mailbox:oauth_reconnect", args=[account.pk])
    assert staff_client.post(url).status_code == 404


def test_administrator_enters_the_app_registration(client, firm_admin, settings):
    client.force_login(firm_admin)
    page = client.get(reverse("mailbox:oauth_apps"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "http://testserver" + reverse("mailbox:oauth_callback") in body
    assert "https://outlook.office.com/SMTP.Send" in body
    assert 'name="microsoft-tenant"' in body and 'name="google-tenant"' not in body

    response = client.post(
        reverse("mailbox:oauth_apps"),
        {
            "provider": "microsoft",
            "microsoft-client_id": " 1111-2222 ",
            "microsoft-client_secret": "hemmelig-verdi",
            "microsoft-tenant": "firma.onmicrosoft.com",
        },
    )
    assert response.status_code == 302
    app = OAuthApp.objects.get(provider="microsoft")
    assert (app.client_id, app.tenant) == ("1111-2222", "firma.onmicrosoft.com")
    assert "hemmelig-verdi" not in app.client_secret_encrypted
    assert crypto.decrypt(app.client_secret_encrypted) == "hemmelig-verdi"
    again = client.get(reverse("mailbox:oauth_apps")).content.decode()
    assert "hemmelig-verdi" not in again and "1111-2222" in again

    # An empty secret keeps the saved one.
    client.post(
        reverse("mailbox:oauth_apps"),
        {"provider": "microsoft", "microsoft-client_id": "3333", "microsoft-tenant": ""},
    )
    app.refresh_from_db()
    assert app.client_id == "3333"
    assert crypto.decrypt(app.client_secret_encrypted) == "hemmelig-verdi"


def test_the_tenant_goes_into_microsofts_endpoints(staff_client, firm_admin):
    oauth_app_save(
        provider="microsoft", client_id="app", client_secret="s", tenant="firma.onmicrosoft.com"
    )
    response = staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))
    assert response["Location"].startswith(
        "https://login.microsoftonline.com/firma.onmicrosoft.com/oauth2/v2.0/authorize?"
    )
    OAuthApp.objects.filter(provider="microsoft").update(tenant="")
    response = staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))
    assert response["Location"].startswith(
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?"
    )


def test_a_first_registration_needs_its_secret(client, firm_admin):
    client.force_login(firm_admin)
    response = client.post(
        reverse("mailbox:oauth_apps"), {"provider": "google", "google-client_id": "x"}
    )
    assert response.status_code == 400
    assert not OAuthApp.objects.exists()
    assert "Feltet er påkrevet." in response.content.decode()


def test_oauth_account_page_edits_only_what_the_crm_does_with_the_mail(staff, staff_client):
    account = _oauth_account(staff)
    url = reverse("mailbox:account_update", args=[account.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="folders"' in page and 'name="password"' not in page
    assert "Innlogget med Microsoft 365." in page
    response = staff_client.post(url, {"folders": "INBOX, Sendte elementer", "save": ""})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.folders == "INBOX, Sendte elementer"
    assert account.link_to_crm is False
    assert (account.host, account.sign_in) == ("outlook.office365.com", "microsoft")


def test_only_administrators_are_shown_the_way_to_the_app_registrations(client, staff, firm_admin):
    url = reverse("mailbox:oauth_apps")
    client.force_login(staff)
    page = client.get(reverse("mailbox:account_list")).content.decode()
    assert url not in page
    client.force_login(firm_admin)
    page = client.get(reverse("mailbox:account_list")).content.decode()
    assert f'<a href="{url}">' in page
    assert url not in page.split("</title>")[0]
