"""TLS to a mail server checks its certificate (crm.outbound.tls_context), against a real
Dovecot speaking implicit TLS and STARTTLS with a certificate from a throwaway authority."""

import pytest

from mailbox.services.accounts import mail_account_save, mail_account_test
from mailbox.services.sync import account_sync
from tests.mailbox.certificates import make_certificates
from tests.mailbox.conftest import raw_mail
from tests.mailbox.dovecot import Dovecot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    return {
        "right": make_certificates(folder / "right", names=["127.0.0.1", "localhost"]),
        "other_name": make_certificates(folder / "other", names=["mail.example.test"]),
    }


@pytest.fixture(scope="module")
def tls_dovecot(certificates):
    right = certificates["right"]
    with Dovecot(tls=(right.cert, right.key)) as server:
        yield server


@pytest.fixture(scope="module")
def misnamed_dovecot(certificates):
    other = certificates["other_name"]
    with Dovecot(tls=(other.cert, other.key)) as server:
        yield server


def account(user, server, *, security, name):
    server.add_user(name, f"pw-{name}")
    server.append(name, raw_mail(subject="Over TLS"))
    port = server.tls_port if security == "ssl" else server.port
    return mail_account_save(
        user=user,
        email=f"{name}@firma.no",
        host="127.0.0.1",
        port=port,
        security=security,
        username=name,
        password=f"pw-{name}",
        folders="INBOX",
        link_to_crm=True,
    )


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_an_unknown_authority_is_refused_with_a_clear_message(staff, tls_dovecot, security):
    mail = account(staff, tls_dovecot, security=security, name=f"untrusted-{security}")
    ok, message = mail_account_test(account=mail)
    assert not ok
    assert "sertifikatet" in message.lower() and "127.0.0.1" in message
    report = account_sync(account=mail)
    assert report.new == 0 and report.errors
    mail.refresh_from_db()
    assert "sertifikatet" in mail.last_error.lower()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_the_firms_own_authority_is_trusted_when_named(
    staff, tls_dovecot, certificates, settings, security
):
    settings.OUTBOUND_CA_FILE = str(certificates["right"].ca)
    mail = account(staff, tls_dovecot, security=security, name=f"trusted-{security}")
    assert mail_account_test(account=mail)[0]
    assert account_sync(account=mail).seen == 1


def test_a_certificate_for_another_name_is_refused(
    staff, misnamed_dovecot, certificates, settings
):
    settings.OUTBOUND_CA_FILE = str(certificates["other_name"].ca)
    mail = account(staff, misnamed_dovecot, security="ssl", name="misnamed")
    ok, message = mail_account_test(account=mail)
    assert not ok and "sertifikatet" in message.lower()
