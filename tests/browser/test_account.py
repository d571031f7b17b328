"""«Min konto» in a real browser: language and password, and a passkey made and used as
the second step of sign-in through Chromium's virtual authenticator (CDP)."""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def open_my_account(page):
    page.get_by_role("link", name=re.compile("Min konto")).click()
    page.get_by_role("heading", name="Min konto").wait_for()


def test_the_account_page_changes_the_language_and_the_password(live_server, page, login):
    user = UserFactory(username="kari")
    login(user)
    open_my_account(page)
    assert_accessible(page)
    page.get_by_role("link", name="Legg til autentiseringsapp").click()
    page.get_by_role("img", name="QR-kode for autentiseringsappen").wait_for()
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="Endre passord").click()
    page.locator("#id_old_password").fill("pw-for-tests-1")
    page.locator("#id_new_password1").fill("Fjellvann-2026")
    page.locator("#id_new_password2").fill("Fjellvann-2026")
    assert_accessible(page)
    page.get_by_test_id("password-form").get_by_role("button", name="Endre passord").click()
    page.get_by_text("Passordet ditt er endret.").wait_for()

    page.get_by_label("Språk i CRM-et").select_option("en")
    page.get_by_role("button", name="Bytt språk").click()
    page.get_by_role("heading", name="My account").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language of the CRM").select_option("nb")
    page.get_by_role("button", name="Change language").click()
    page.get_by_role("heading", name="Min konto").wait_for()

    page.get_by_role("button", name="Logg ut").click()
    login(user, password="Fjellvann-2026")
    assert page.url == live_server.url + reverse("home")


def test_a_passkey_is_made_on_the_account_page_and_asked_for_at_sign_in(
    live_server, page, login, settings
):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    user = UserFactory(username="ola")
    login(user)
    open_my_account(page)
    page.get_by_role("button", name="Legg til passnøkkel").click()
    page.get_by_test_id("passkeys").wait_for()
    assert "Passnøkkel 1" in page.get_by_test_id("passkeys").inner_text()

    page.get_by_role("button", name="Logg ut").click()
    login(user)
    page.get_by_role("heading", name="Andre steg av innloggingen").wait_for()
    assert_accessible(page)
    page.goto(live_server.url + reverse("account:detail"))  # still the second step
    assert page.url.startswith(live_server.url + reverse("account:two_factor_verify"))
    page.get_by_role("button", name="Bruk passnøkkel").click()
    page.get_by_role("heading", name="Min konto").wait_for()
    assert page.url == live_server.url + reverse("account:detail")
