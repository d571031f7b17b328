"""«Min konto»: password change and reset, two-factor sign-in (authenticator app,
recovery codes, the firm's rule), and who may open what."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TwoFactorPolicy
from crm import account as crm_account
from tests.accounts.factories import AuthenticatorFactory, current_code
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


def log_in(client, user, password=PASSWORD, address="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=address
    )


def home_opens(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 200


# --- the page and who may open it ----------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("account:detail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_crm_access_gets_403(client, no_access_user):
    client.force_login(no_access_user)
    assert client.get(reverse("account:detail")).status_code == 403
    assert client.get(reverse("account:password_change")).status_code == 403


def test_the_top_bar_links_to_my_account_and_it_links_to_the_api_keys(staff_client):
    home = staff_client.get(reverse("home")).content.decode()
    assert reverse("account:detail") in home
    page = staff_client.get(reverse("account:detail"))
    assert page.status_code == 200
    assert reverse("tokens:list") in page.content.decode()


def test_only_a_firm_administrator_sets_the_rule_for_everyone(staff_client):
    assert "policy-form" not in staff_client.get(reverse("account:detail")).content.decode()
    response = staff_client.post(reverse("account:two_factor_policy"), {"required": "on"})
    assert response.status_code == 403
    assert not TwoFactorPolicy.objects.filter(required=True).exists()


def test_someone_elses_authenticator_cannot_be_removed(staff_client):
    other = AuthenticatorFactory()
    response = staff_client.post(
        reverse("account:second_factor_delete", args=["authenticator", other.pk])
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(pk=other.pk).exists()


def test_an_unknown_kind_of_sign_in_method_is_404(staff_client):
    response = staff_client.post(reverse("account:second_factor_delete", args=["sms", 1]))
    assert response.status_code == 404


# --- password change ----------------------------------------------------------------------


def test_changing_the_password_keeps_me_logged_in_and_the_new_one_works(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nytt-passord-2026",
            "new_password2": "Nytt-passord-2026",
        },
        follow=True,
    )
    assert "Passordet ditt er endret" in response.content.decode()
    assert home_opens(client)
    client.logout()
    assert log_in(client, user).status_code == 200  # the old one is refused
    assert log_in(client, user, "Nytt-passord-2026")["Location"] == reverse("home")


def test_a_wrong_old_password_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account:password_change"),
        {"old_password": "wrong", "new_password1": "Nytt-2026-x", "new_password2": "Nytt-2026-x"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- password reset -----------------------------------------------------------------------


def test_the_login_page_links_to_the_password_reset(client):
    assert reverse("account:password_reset") in client.get(reverse("login")).content.decode()


def test_a_forgotten_password_is_reset_through_the_link_in_the_mail(client):
    user = UserFactory(email="kari@example.no")
    response = client.post(reverse("account:password_reset"), {"email": "kari@example.no"})
    assert response["Location"] == reverse("account:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari@example.no"]
    assert "Nytt passord" in message.subject
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "Helt-nytt-2026", "new_password2": "Helt-nytt-2026"},
    )
    assert done["Location"] == reverse("account:password_reset_complete")
    assert log_in(client, user, "Helt-nytt-2026")["Location"] == reverse("home")
    # The link works once.
    client.logout()
    again = client.get(link, follow=True)
    assert "Lenken er ikke gyldig" in again.content.decode()


def test_the_reset_does_not_reveal_whether_an_address_belongs_to_a_user(client):
    UserFactory(email="kari@example.no")
    known = client.post(reverse("account:password_reset"), {"email": "kari@example.no"})
    unknown = client.post(reverse("account:password_reset"), {"email": "ingen@example.no"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    page = client.get(unknown["Location"]).content.decode()
    assert "Hvis adressen tilhører en bruker" in page


# --- two-factor sign-in --------------------------------------------------------------------


def test_a_user_with_an_authenticator_must_give_a_code_after_the_password(client):
    device = AuthenticatorFactory()
    response = log_in(client, device.user)
    assert response["Location"] == reverse("home")
    gated = client.get(reverse("home"))
    assert gated.status_code == 302
    assert gated["Location"].startswith(reverse("account:two_factor_verify"))
    assert client.get(reverse("contacts:create")).status_code == 302

    verified = client.post(
        reverse("account:two_factor_verify"), {"code": current_code(device), "next": "/contacts/"}
    )
    assert verified["Location"] == "/contacts/"
    assert home_opens(client)


def test_a_wrong_code_is_refused(client):
    device = AuthenticatorFactory()
    log_in(client, device.user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("account:two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Koden er feil eller utløpt" in response.content.decode()
    assert not home_opens(client)


def test_a_recovery_code_works_once(client):
    device = AuthenticatorFactory()
    client.force_login(device.user)
    client.post(reverse("account:two_factor_verify"), {"code": current_code(device)})
    page = client.post(reverse("account:recovery_codes"))
    codes = re.findall(r"<li>(\w+)</li>", page.content.decode())
    assert len(codes) == 10

    client.logout()
    log_in(client, device.user)
    client.post(reverse("account:two_factor_verify"), {"code": codes[0]})
    assert home_opens(client)

    client.logout()
    log_in(client, device.user)
    used = client.post(reverse("account:two_factor_verify"), {"code": codes[0]})
    assert used.status_code == 200
    assert not home_opens(client)


def test_recovery_codes_are_made_only_after_the_second_step(client):
    device = AuthenticatorFactory()
    log_in(client, device.user)
    response = client.post(reverse("account:recovery_codes"))
    assert response["Location"].startswith(reverse("account:two_factor_verify"))
    assert not device.user.staticdevice_set.exists()


def test_when_the_firm_requires_it_a_user_without_a_device_must_set_one_up(client, firm_admin):
    client.force_login(firm_admin)
    client.post(reverse("account:two_factor_policy"), {"required": "on"})
    assert TwoFactorPolicy.objects.get().required
    client.logout()

    user = UserFactory()
    log_in(client, user)
    gated = client.get(reverse("home"))
    assert gated["Location"].startswith(reverse("account:two_factor_setup"))

    setup = client.get(gated["Location"])
    assert "Firmaet krever tofaktorinnlogging" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(
        reverse("account:two_factor_setup"), {"device": device.pk, "code": current_code(device)}
    )
    assert done.status_code == 302
    assert home_opens(client)

    # At the next sign-in the new authenticator is asked for.
    client.logout()
    log_in(client, user)
    assert client.get(reverse("home"))["Location"].startswith(reverse("account:two_factor_verify"))


def test_the_setting_requires_two_factor_too(client, settings):
    settings.REQUIRE_TWO_FACTOR = True
    log_in(client, UserFactory())
    assert client.get(reverse("home"))["Location"].startswith(reverse("account:two_factor_setup"))


def test_without_the_rule_a_user_without_a_device_goes_straight_in(client):
    log_in(client, UserFactory())
    assert home_opens(client)


def test_a_password_alone_cannot_add_another_authenticator(client):
    device = AuthenticatorFactory()
    log_in(client, device.user)
    response = client.get(reverse("account:two_factor_setup"))
    assert response["Location"].startswith(reverse("account:two_factor_verify"))
    assert not TOTPDevice.objects.filter(user=device.user, confirmed=False).exists()


def test_a_wrong_code_does_not_confirm_a_new_authenticator(staff_client, staff):
    staff_client.get(reverse("account:two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = staff_client.post(
        reverse("account:two_factor_setup"), {"device": device.pk, "code": wrong}
    )
    assert response.status_code == 200
    assert "Koden er feil eller utløpt" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_login_limits_still_apply_before_the_second_step(client, settings):
    settings.AXES_NAME_FAILURE_LIMIT = 3
    device = AuthenticatorFactory()
    for _ in range(3):
        log_in(client, device.user, "guessing")
    locked = log_in(client, device.user)
    assert locked.status_code == 429
    assert not home_opens(client)


def test_a_firm_administrator_removes_a_users_lost_second_factors(client, firm_admin):
    device = AuthenticatorFactory()
    client.force_login(firm_admin)
    page = client.get(reverse("account:detail")).content.decode()
    assert reverse("account:two_factor_reset", args=[device.user.pk]) in page
    client.post(reverse("account:two_factor_reset", args=[device.user.pk]))
    assert not TOTPDevice.objects.filter(user=device.user).exists()
    client.logout()
    log_in(client, device.user)
    assert home_opens(client)


def test_only_a_firm_administrator_removes_someone_elses_second_factors(staff_client):
    device = AuthenticatorFactory()
    response = staff_client.post(reverse("account:two_factor_reset", args=[device.user.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_an_administrator_with_only_the_password_cannot_change_the_firms_rule(client):
    admin_user = UserFactory(firm_admin=True)
    AuthenticatorFactory(user=admin_user)
    log_in(client, admin_user)
    response = client.post(reverse("account:two_factor_policy"), {"required": ""})
    assert response["Location"].startswith(reverse("account:two_factor_verify"))
    other = AuthenticatorFactory()
    client.post(reverse("account:two_factor_reset", args=[other.user.pk]))
    assert TOTPDevice.objects.filter(pk=other.pk).exists()


def test_the_passkey_scripts_speak_norwegian(client):
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    for norwegian in ("Passnøkkelen er lagt til!", "Bekreft med passnøkkel"):
        assert json.dumps(norwegian) in catalog


def test_a_passkey_cannot_be_added_with_the_password_alone(client):
    device = AuthenticatorFactory()
    log_in(client, device.user)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403


def test_a_user_whose_second_factor_was_removed_meanwhile_is_let_in(client, firm_admin):
    device = AuthenticatorFactory()
    log_in(client, device.user)
    assert not home_opens(client)
    admin_client = type(client)()
    admin_client.force_login(firm_admin)
    admin_client.post(reverse("account:two_factor_reset", args=[device.user.pk]))
    response = client.get(reverse("account:two_factor_verify"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert home_opens(client)


def test_a_section_an_app_registers_appears_on_the_page(staff_client, monkeypatch):
    monkeypatch.setattr(crm_account, "_sections", {})
    # Any template will do; the calendar feeds register theirs from the api app's ready().
    crm_account.register_account_section("feeds", "accounts/email/password_reset_subject.txt")
    page = staff_client.get(reverse("account:detail")).content.decode()
    assert re.search(r'data-account-section="feeds">\s*Nytt passord for CRM-et', page)


def test_my_account_shows_my_calendar_feed_and_a_new_link_comes_back_to_it(staff_client):
    page = staff_client.get(reverse("account:detail")).content.decode()
    assert 'data-testid="calendar-feeds"' in page  # the API app's section

    answer = staff_client.post(reverse("tokens:feed_renew"), {"next": reverse("account:detail")})
    assert answer.status_code == 302 and answer["Location"] == reverse("account:detail")
    page = staff_client.get(reverse("account:detail")).content.decode()
    assert "/appointments.ics" in page
