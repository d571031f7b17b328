"""IMAP connections to users' mail servers, made through the outbound guard.

imaplib resolves and connects by name itself; these clients hand it a socket from
:func:`crm.outbound.connect` instead (the vetted address, a short connect timeout) and
keep the name for TLS, so the certificate is still checked against what the user typed.
"""

from __future__ import annotations

import contextlib
import imaplib

from django.utils.translation import gettext as _
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxStarttlsError
from imap_tools.utils import check_command_status

from crm import outbound

from . import crypto
from .models import MailAccount


class _IMAP4(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return outbound.connect(self.host, self.port, timeout=timeout)


class _IMAP4_SSL(imaplib.IMAP4_SSL):  # noqa: N801 (imaplib's name)
    def _create_socket(self, timeout):
        sock = outbound.connect(self.host, self.port, timeout=timeout)
        try:
            return self.ssl_context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class _MailBoxSsl(MailBox):
    def _get_mailbox_client(self) -> imaplib.IMAP4:
        return _IMAP4_SSL(
            self._host, self._port, ssl_context=self._ssl_context, timeout=self._timeout
        )


class _MailBoxStartTls(MailBoxStartTls):
    def _get_mailbox_client(self) -> imaplib.IMAP4:
        client = _IMAP4(self._host, self._port, timeout=self._timeout)
        try:
            check_command_status(client.starttls(self._ssl_context), MailboxStarttlsError)
        except BaseException:
            client.shutdown()
            raise
        return client


class _MailBoxUnencrypted(MailBoxUnencrypted):
    def _get_mailbox_client(self) -> imaplib.IMAP4:
        return _IMAP4(self._host, self._port, timeout=self._timeout)


KINDS = {"ssl": _MailBoxSsl, "starttls": _MailBoxStartTls, "none": _MailBoxUnencrypted}


def not_reached() -> outbound.Unreachable:
    """One answer for a closed port, a silent one, a failed TLS handshake and a server
    that does not speak IMAP: anything finer would tell which ports are open."""
    return outbound.Unreachable(
        _("Could not reach the server. Check the host name, port and encryption.")
    )


def imap_connect(account: MailAccount, *, timeout: float):
    """A logged-in imap_tools mailbox. Raises :class:`crm.outbound.OutboundError` (with a
    message for the user) when no IMAP server was reached, and imap_tools'
    MailboxLoginError when the server refused the login."""
    try:
        box = KINDS[account.security](account.host, account.port, timeout=timeout)
    except (outbound.HostNotFound, outbound.AddressRefused):
        raise
    except Exception as error:  # refused, timeout, TLS, not IMAP: see not_reached()
        raise not_reached() from error
    try:
        return box.login(account.username, crypto.decrypt(account.password_encrypted))
    except BaseException:
        with contextlib.suppress(Exception):
            box.client.shutdown()
        raise
