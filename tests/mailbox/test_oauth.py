"""OAuth 2.0 sign-in for mail accounts (issue #22): the whole flow through the pages
against a local authorization server, tokens at rest, refreshing, revocation, XOAUTH2
against a real Dovecot and a real SMTP server (aiosmtpd)."""

import base64
import datetime as dt
import http.client
import itertools
import json
import smtplib
import time
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mailbox import crypto
from mailbox.imap import imap_connect
from mailbox.models import MailAccount, OAuthApp
from mailbox.oauth import services, tokens
from mailbox.oauth.services import oauth_access_token, oauth_app_save, pkce_challenge
from mailbox.oauth.smtp import smtp_oauth_authenticate
from mailbox.services.accounts import mail_account_delete, mail_account_test
from mailbox.services.sync import account_sync
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.mailbox.conftest import raw_mail
from tests.mailbox.dovecot import free_port
from tests.mailbox.oauth_server import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db

_people = itertools.count(1)


@pytest.fixture
def oauth(settings, oauth_server, oauth_dovecot):
    """Both providers pointed at the local server and Dovecot, the firm's app registered
    with each, and a fresh user at the provider (also a Dovecot user)."""
    endpoints = {
        "authorize_url": oauth_server.url + "/authorize",
        "token_url": oauth_server.url + "/token",
        "revoke_url": oauth_server.url + "/revoke",
        "imap_host": oauth_dovecot.host,
        "imap_port": oauth_dovecot.port,
        "imap_security": "none",
        "folders": "INBOX, Sent",
    }
    settings.MAILBOX_OAUTH_PROVIDERS = {"microsoft": endpoints, "google": endpoints}
    for provider in ("microsoft", "google"):
        oauth_app_save(
            provider=provider, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tenant=""
        )
    email = f"ansatt{next(_people)}@firma.no"
    oauth_dovecot.add_user(email, "not-used")
    oauth_server.next_user = email
    oauth_server.calls.clear()
    oauth_server.lifetime = 3600
    oauth_server.email_claim = True
    return oauth_server


def _at_provider(url: str) -> str:
    """What the browser does at the provider: follow the authorization URL to the
    redirect back to the CRM (the local server signs ``next_user`` in at once)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", f"{parts.path}?{parts.query}")
    response = conn.getresponse()
    assert response.status == 302
    location = response.getheader("Location")
    conn.close()
    return location


def _callback(client, location: str):
    back = urlsplit(location)
    assert back.path == reverse("mailbox:oauth_callback")
    return client.get(back.path, dict(parse_qsl(back.query)))


def _connect(client, provider="microsoft", email=""):
    started = client.post(reverse("mailbox:oauth_connect", args=[provider]), {"email": email})
    assert started.status_code == 302, started.content
    return _callback(client, _at_provider(started["Location"]))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the flow -----------------------------------------------------------------------------


def test_pkce_challenge_is_rfc_7636_s256():
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_connect_sends_the_user_to_the_provider_with_pkce_and_state(staff_client, oauth):
    response = staff_client.post(
        reverse("mailbox:oauth_connect", args=["microsoft"]), {"email": "ola@firma.no"}
    )
    url = urlsplit(response["Location"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == oauth.url + "/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert query["login_hint"] == "ola@firma.no"
    assert query["redirect_uri"] == "http://testserver" + reverse("mailbox:oauth_callback")
    assert "https://outlook.office.com/IMAP.AccessAsUser.All" in query["scope"].split()
    assert "offline_access" in query["scope"].split()
    pending = staff_client.session[services.SESSION_KEY]
    assert list(pending) == [query["state"]]
    assert pkce_challenge(pending[query["state"]]["verifier"]) == query["code_challenge"]


def test_whole_flow_creates_the_account_with_tokens_encrypted(
    staff, staff_client, oauth, oauth_dovecot
):
    response = _connect(staff_client)

    account = MailAccount.objects.get(user=staff)
    assert response.status_code == 302
    assert response["Location"] == reverse("mailbox:account_update", args=[account.pk])
    assert (account.sign_in, account.email, account.username) == (
        "microsoft",
        oauth.next_user,
        oauth.next_user,
    )
    assert (account.host, account.port, account.security, account.folders) == (
        oauth_dovecot.host,
        oauth_dovecot.port,
        "none",
        "INBOX, Sent",
    )
    assert account.password_encrypted == ""
    # Stored encrypted: the raw columns hold neither token.
    refresh = next(t for t, u in oauth.refresh.items() if u == oauth.next_user)
    access = next(t for t, (u, _) in oauth.access.items() if u == oauth.next_user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oauth_access_encrypted, oauth_refresh_encrypted FROM mailbox_mailaccount"
            " WHERE id = %s",
            [account.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert access not in raw and refresh not in raw
    assert crypto.decrypt(account.oauth_access_encrypted) == access
    assert crypto.decrypt(account.oauth_refresh_encrypted) == refresh
    assert account.oauth_expires_at > timezone.now() + dt.timedelta(minutes=55)
    page = staff_client.get(response["Location"])
    assert f"E-postkontoen {oauth.next_user} er koblet til." in _messages(page)


def test_without_an_address_from_the_provider_the_typed_one_is_used(staff, staff_client, oauth):
    oauth.email_claim = False
    page = _connect(staff_client, email="")
    assert page["Location"] == reverse("mailbox:account_list")
    assert not MailAccount.objects.exists()
    _connect(staff_client, email=oauth.next_user)
    assert MailAccount.objects.get(user=staff).email == oauth.next_user


def test_connecting_again_updates_the_same_account(staff, staff_client, oauth):
    _connect(staff_client, provider="google")
    _connect(staff_client, provider="google")
    assert MailAccount.objects.filter(user=staff).count() == 1
    assert oauth.token_calls("authorization_code") == 2


def test_callback_with_a_foreign_state_is_refused(staff, staff_client, other_staff, client, oauth):
    started = staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))
    location = _at_provider(started["Location"])
    # Another signed-in user's browser brings the code back: not their session's state.
    client.force_login(other_staff)
    response = _callback(client, location)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert any("kunne ikke knyttes til denne nettleserøkten" in m for m in _messages(page))
    assert not MailAccount.objects.exists()
    assert oauth.token_calls("authorization_code") == 0


@pytest.mark.parametrize("state", ["", "forged", "x" * 5000])
def test_state_mismatch_is_a_clear_error(staff_client, oauth, state):
    staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))
    response = staff_client.get(
        reverse("mailbox:oauth_callback"), {"code": "abc", "state": state}, follow=True
    )
    assert response.status_code == 200
    assert any("Start på nytt" in m for m in _messages(response))
    assert not MailAccount.objects.exists()


def test_a_state_is_good_for_one_callback(staff_client, oauth):
    location = _at_provider(
        staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))["Location"]
    )
    _callback(staff_client, location)
    again = _callback(staff_client, location)
    assert again.status_code == 302
    assert again["Location"] == reverse("mailbox:account_list")
    assert oauth.token_calls("authorization_code") == 1


def test_missing_verifier_is_a_clear_error(staff_client, oauth):
    location = _at_provider(
        staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))["Location"]
    )
    session = staff_client.session
    for flow in session[services.SESSION_KEY].values():
        del flow["verifier"]
    session.save()
    response = _callback(staff_client, location)
    page = staff_client.get(response["Location"])
    assert "Innloggingen ble ikke fullført. Start på nytt med «Koble til»." in _messages(page)
    assert oauth.token_calls("authorization_code") == 0
    assert not MailAccount.objects.exists()


def test_wrong_verifier_is_refused_by_the_provider_and_told(staff_client, oauth):
    location = _at_provider(
        staff_client.post(reverse("mailbox:oauth_connect", args=["microsoft"]))["Location"]
    )
    session = staff_client.session
    for flow in session[services.SESSION_KEY].values():
        flow["verifier"] = "a-verifier-the-provider-never-saw-" + "x" * 20
    session.save()
    page = staff_client.get(_callback(staff_client, location)["Location"])
    assert "Tilbyderen avviste innloggingen. Start på nytt med «Koble til»." in _messages(page)
    assert oauth.token_calls("authorization_code") == 1
    assert not MailAccount.objects.exists()


def test_provider_refusal_is_told(staff_client, oauth):
    staff_client.post(reverse("mailbox:oauth_connect", args=["google"]))
    state = next(iter(staff_client.session[services.SESSION_KEY]))
    page = staff_client.get(
        reverse("mailbox:oauth_callback"),
        {"error": "access_denied", "state": state},
        follow=True,
    )
    assert any("access_denied" in m and "avbrutt" in m for m in _messages(page))


def test_connect_without_app_registration_tells_the_user(staff_client, oauth):
    OAuthApp.objects.filter(provider="google").delete()
    response = staff_client.post(reverse("mailbox:oauth_connect", args=["google"]), follow=True)
    assert response.status_code == 200
    assert any("administratoren" in m for m in _messages(response))
    # Only registered providers get a button.
    page = staff_client.get(reverse("mailbox:account_list")).content.decode()
    assert "Koble til Microsoft 365" in page
    assert "Koble til Google" not in page


def test_unknown_provider_is_404(staff_client, oauth):
    assert staff_client.post(reverse("mailbox:oauth_connect", args=["yahoo"])).status_code == 404


# --- tokens: refresh and revocation ----------------------------------------------------


@pytest.fixture
def connected(staff, staff_client, oauth):
    _connect(staff_client)
    oauth.calls.clear()
    return MailAccount.objects.get(user=staff)


def test_token_far_from_expiry_is_used_as_it_is(connected, oauth, django_assert_num_queries):
    with django_assert_num_queries(0):
        token = oauth_access_token(account=connected)
    assert token == crypto.decrypt(connected.oauth_access_encrypted)
    assert oauth.token_calls("refresh_token") == 0


def test_token_is_refreshed_before_it_expires(connected, oauth, django_assert_max_num_queries):
    old = crypto.decrypt(connected.oauth_access_encrypted)
    MailAccount.objects.filter(pk=connected.pk).update(
        oauth_expires_at=timezone.now() + dt.timedelta(minutes=2)
    )
    connected.refresh_from_db()

    # The app registration, the row locked in a savepoint, the new tokens written.
    with django_assert_max_num_queries(5):
        token = oauth_access_token(account=connected)

    assert token != old and oauth.access[token][0] == connected.email
    assert oauth.token_calls("refresh_token") == 1
    connected.refresh_from_db()
    assert crypto.decrypt(connected.oauth_access_encrypted) == token
    assert connected.oauth_expires_at > timezone.now() + dt.timedelta(minutes=55)
    # Microsoft rotates refresh tokens: the new one is kept.
    assert oauth.refresh[crypto.decrypt(connected.oauth_refresh_encrypted)] == connected.email
    assert oauth_access_token(account=connected) == token  # fresh now: no second call
    assert oauth.token_calls("refresh_token") == 1


def test_a_stale_copy_of_the_account_takes_the_token_another_process_refreshed(connected, oauth):
    MailAccount.objects.filter(pk=connected.pk).update(oauth_expires_at=timezone.now())
    first = MailAccount.objects.get(pk=connected.pk)
    second = MailAccount.objects.get(pk=connected.pk)
    token = oauth_access_token(account=first)
    # The rotated refresh token the second copy holds is spent: it must not be used.
    assert oauth_access_token(account=second) == token
    assert oauth.token_calls("refresh_token") == 1


def test_revoked_refresh_token_flags_the_account_and_tells_the_user(
    connected, oauth, staff_client
):
    oauth.revoke_all(connected.email)
    MailAccount.objects.filter(pk=connected.pk).update(oauth_expires_at=timezone.now())
    connected.refresh_from_db()

    with pytest.raises(tokens.ReconnectNeeded):
        oauth_access_token(account=connected)

    connected.refresh_from_db()
    assert connected.needs_reconnect
    assert "Koble til kontoen på nytt" in connected.last_error
    # The sync tells it too, without asking the provider again.
    report = account_sync(account=connected)
    assert report.new == 0 and "Koble til kontoen på nytt" in report.errors[0]
    assert oauth.token_calls("refresh_token") == 1
    ok, text = mail_account_test(account=connected)
    assert not ok and "Koble til kontoen på nytt" in text
    page = staff_client.get(reverse("mailbox:account_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Må kobles til på nytt" in body
    assert reverse("mailbox:oauth_reconnect", args=[connected.pk]) in body
    # Connecting again clears the mark.
    started = staff_client.post(reverse("mailbox:oauth_reconnect", args=[connected.pk]))
    assert parse_qs(urlsplit(started["Location"]).query)["login_hint"] == [connected.email]
    _callback(staff_client, _at_provider(started["Location"]))
    connected.refresh_from_db()
    assert not connected.needs_reconnect and connected.last_error == ""
    assert oauth_access_token(account=connected)


def test_token_endpoint_out_of_reach_is_an_error_not_a_flag(connected, oauth, settings):
    settings.MAILBOX_OAUTH_PROVIDERS = {
        "microsoft": {
            **settings.MAILBOX_OAUTH_PROVIDERS["microsoft"],
            "token_url": f"http://127.0.0.1:{free_port()}/token",
        }
    }
    MailAccount.objects.filter(pk=connected.pk).update(oauth_expires_at=timezone.now())
    connected.refresh_from_db()
    with pytest.raises(tokens.OAuthError) as error:
        oauth_access_token(account=connected)
    assert not isinstance(error.value, tokens.ReconnectNeeded)
    connected.refresh_from_db()
    assert not connected.needs_reconnect


def test_a_refused_client_secret_is_the_administrators_not_the_users(connected, oauth):
    app = OAuthApp.objects.get(provider="microsoft")
    oauth_app_save(provider="microsoft", client_id=app.client_id, client_secret="old", tenant="")
    MailAccount.objects.filter(pk=connected.pk).update(oauth_expires_at=timezone.now())
    connected.refresh_from_db()
    with pytest.raises(tokens.OAuthError, match="administratoren") as error:
        oauth_access_token(account=connected)
    assert not isinstance(error.value, tokens.ReconnectNeeded)
    connected.refresh_from_db()
    assert not connected.needs_reconnect
    # Once the administrator enters the right secret, the same account works again.
    oauth_app_save(
        provider="microsoft", client_id=app.client_id, client_secret=CLIENT_SECRET, tenant=""
    )
    assert oauth_access_token(account=connected)


def test_the_token_endpoint_is_reached_through_the_outbound_guard(connected, oauth, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []  # loopback is an internal address again
    MailAccount.objects.filter(pk=connected.pk).update(oauth_expires_at=timezone.now())
    connected.refresh_from_db()
    with pytest.raises(tokens.OAuthError, match="intern adresse"):
        oauth_access_token(account=connected)
    assert oauth.token_calls("refresh_token") == 0


def test_removing_the_account_revokes_its_refresh_token(
    connected, oauth, django_capture_on_commit_callbacks
):
    refresh = crypto.decrypt(connected.oauth_refresh_encrypted)
    assert refresh in oauth.refresh
    with django_capture_on_commit_callbacks(execute=True):
        mail_account_delete(account=connected)
    assert refresh not in oauth.refresh
    assert ("/revoke", {"token": refresh}) in oauth.calls


# --- IMAP through XOAUTH2 against Dovecot ------------------------------------------------


def test_sync_of_an_oauth_account_over_xoauth2(connected, oauth, oauth_dovecot):
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="kunde@example.no")
    oauth_dovecot.append(connected.email, raw_mail(subject="Tilbud", to=connected.email))

    report = account_sync(account=connected)

    assert (report.new, report.errors) == (1, [])
    assert contact.mail_messages.get().subject == "Tilbud"
    assert f"user=<{connected.email}>, method=XOAUTH2" in oauth_dovecot.log()
    assert oauth.token_calls("refresh_token") == 0


def test_imap_refusing_the_token_makes_one_refresh_and_a_retry(connected, oauth):
    oauth.expire_access()  # Dovecot's introspection now says «not active»
    with imap_connect(connected, timeout=10) as box:
        assert box.folder.exists("Sent")
    assert oauth.token_calls("refresh_token") == 1


def test_imap_refusing_a_fresh_token_too_is_a_login_error(connected, oauth):
    oauth.lifetime = -1  # every token the provider issues is dead on arrival
    oauth.expire_access()
    ok, text = mail_account_test(account=connected)
    assert not ok
    assert text == "E-posttjeneren avviste innloggingen. Koble til kontoen på nytt."
    assert oauth.token_calls("refresh_token") == 1


# --- SMTP through XOAUTH2 against aiosmtpd -----------------------------------------------


@pytest.fixture
def oauth_smtp(oauth):
    """A real SMTP server that takes AUTH XOAUTH2 with tokens the local provider issued."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Handler:
        def __init__(self):
            self.logins: list[str] = []
            self.messages = []

        async def auth_XOAUTH2(self, server, args):
            raw = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
            fields = dict(p.split("=", 1) for p in raw.split("\x01") if "=" in p)
            user = fields.get("user", "")
            token = fields.get("auth", "").removeprefix("Bearer ")
            owner, expires = oauth.access.get(token, ("", 0))
            if owner and owner == user and expires > time.time():
                self.logins.append(user)
                return AuthResult(success=True, auth_data=user)
            # As Gmail and Exchange Online: the error as a challenge, then 535.
            await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
            return AuthResult(success=False, handled=False)

        async def handle_DATA(self, server, session, envelope):
            if not session.authenticated:
                return "530 5.7.0 Authentication required"
            self.messages.append(envelope)
            return "250 OK"

    handler = Handler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), auth_require_tls=False
    )
    controller.start()
    yield controller, handler
    controller.stop()


def test_smtp_xoauth2_with_the_accounts_token(connected, oauth_smtp):
    controller, handler = oauth_smtp
    with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as smtp:
        smtp_oauth_authenticate(smtp, connected)
        smtp.sendmail(connected.email, ["kunde@example.no"], raw_mail(sender=connected.email))
    assert handler.logins == [connected.email]
    assert len(handler.messages) == 1


def test_smtp_refused_token_is_refreshed_once(connected, oauth, oauth_smtp):
    controller, handler = oauth_smtp
    oauth.expire_access()
    with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as smtp:
        smtp_oauth_authenticate(smtp, connected)
    assert handler.logins == [connected.email]
    assert oauth.token_calls("refresh_token") == 1


def test_smtp_with_revoked_access_flags_the_account(connected, oauth, oauth_smtp):
    controller, _handler = oauth_smtp
    oauth.expire_access()
    oauth.revoke_all(connected.email)
    with (
        smtplib.SMTP(controller.hostname, controller.port, timeout=10) as smtp,
        pytest.raises(tokens.ReconnectNeeded),
    ):
        smtp_oauth_authenticate(smtp, connected)
    connected.refresh_from_db()
    assert connected.needs_reconnect


def test_mail_from_the_card_goes_out_through_the_providers_smtp_as_the_user(
    connected, oauth_smtp, oauth_dovecot
):
    """The whole way for a Microsoft 365 account: queued, sent over SMTP with XOAUTH2, and
    its copy appended to Sent over IMAP with XOAUTH2 (the provider's servers are the local
    aiosmtpd and Dovecot here)."""
    from mailbox.models import OutgoingMail, OutgoingState
    from tests.mailbox.test_outbox import _run, _send

    controller, handler = oauth_smtp
    # Connecting set the provider's SMTP submission server; here it is the local one.
    assert (connected.smtp_port, connected.smtp_security) == (587, "starttls")
    connected.smtp_host, connected.smtp_port = controller.hostname, controller.port
    connected.smtp_security = "none"
    connected.save()
    contact = ContactFactory(first_name="Pat", last_name="Postmann")
    ContactEmailFactory(contact=contact, email="pat@example.no")
    _send(connected.user, contact, subject="Tilbud via Microsoft 365")
    assert _run() == 1
    outgoing = OutgoingMail.objects.get()
    assert outgoing.state == OutgoingState.SENT, outgoing.error
    assert handler.logins == [connected.email]
    [envelope] = handler.messages
    assert envelope.mail_from == connected.email and envelope.rcpt_tos == ["pat@example.no"]
    with imap_connect(connected, timeout=10) as box:
        box.folder.set("Sent")
        subjects = [m.subject for m in box.fetch(mark_seen=False)]
    assert "Tilbud via Microsoft 365" in subjects
