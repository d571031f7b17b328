import itertools
import threading

import pytest

from tests.mailbox.dovecot import Dovecot

_users = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot():
    """One real Dovecot for the session; each test takes fresh users from it."""
    with Dovecot() as server:
        yield server


@pytest.fixture
def imap_user(dovecot):
    """A fresh IMAP user: (username, password)."""
    name = f"user{next(_users)}"
    dovecot.add_user(name, f"pw-{name}")
    return name, f"pw-{name}"


@pytest.fixture
def make_account(dovecot):
    from mailbox.services.accounts import mail_account_save

    def _make(user, imap_user, *, link=True, folders="INBOX, Sent"):
        name, password = imap_user
        return mail_account_save(
            user=user,
            email=f"{name}@firma.no",
            host=dovecot.host,
            port=dovecot.port,
            security="none",
            username=name,
            password=password,
            folders=folders,
            link_to_crm=link,
        )

    return _make


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    from tests.mailbox.dovecot import free_port

    class Handler:
        def __init__(self):
            self.messages = []
            self.lock = threading.Lock()

        async def handle_DATA(self, server, session, envelope):
            with self.lock:
                self.messages.append(envelope)
            return "250 OK"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def smtp_login_server():
    """A real SMTP server on loopback (aiosmtpd) that asks for a password login, checks
    it against ``logins`` and answers RCPT TO with the replies queued in ``rcpt_replies``
    (then 250): a user's own mail server as the outbox meets it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.mailbox.dovecot import free_port

    class Handler:
        def __init__(self):
            self.messages = []  # (login, envelope)
            self.logins: dict[str, str] = {}
            self.rcpt_replies: list[str] = []
            self.on_data = None  # called with each envelope taken (a server filing it)
            self.lock = threading.Lock()

        def authenticate(self, server, session, envelope, mechanism, auth_data):
            login = auth_data.login.decode()
            ok = self.logins.get(login) == auth_data.password.decode()
            return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if not session.authenticated:
                return "530 5.7.0 Authentication required"
            with self.lock:
                if self.rcpt_replies:
                    return self.rcpt_replies.pop(0)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            with self.lock:
                self.messages.append((session.auth_data, envelope))
            if self.on_data:
                self.on_data(envelope)
            return "250 OK"

    handler = Handler()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=handler.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, handler
    controller.stop()


def raw_mail(
    *,
    subject="Hei",
    sender="kunde@example.no",
    to="ola@firma.no",
    cc="",
    message_id="auto",
    body="Hei på deg",
    date="Tue, 24 Nov 2026 10:00:00 +0100",
) -> bytes:
    from email.message import EmailMessage
    from email.utils import make_msgid

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Date"] = date
    if message_id == "auto":
        msg["Message-ID"] = make_msgid(domain="example.no")
    elif message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture(scope="session")
def oauth_server():
    """One local OAuth 2.0 authorization server for the session (tests/mailbox/oauth_server.py)."""
    from tests.mailbox.oauth_server import OAuthServer

    with OAuthServer() as server:
        yield server


@pytest.fixture(scope="session")
def oauth_dovecot(oauth_server):
    """A Dovecot that also takes XOAUTH2/OAUTHBEARER tokens, checked at ``oauth_server``."""
    with Dovecot(introspection_url=oauth_server.url + "/introspect") as server:
        yield server
