"""IMAP connections to users' mail servers, made through the outbound guard.

imaplib resolves and connects by name itself; these clients hand it a socket from
:func:`crm.outbound.connect` instead (the vetted address, a short connect timeout) and
keep the name for TLS, so the certificate is checked against what the user typed, with
:func:`crm.outbound.tls_context` (a failed check is :class:`crm.outbound.CertificateRefused`).
Below them, a sync's UID FETCH commands and the reading of imaplib's raw answers.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator

from django.utils.translation import gettext as _
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError, MailboxStarttlsError
from imap_tools.utils import check_command_status

from crm import outbound

from . import crypto
from .models import MailAccount
from .oauth.services import oauth_access_token


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
            # A refused handshake leaves the socket half-closed: shutting it down may fail
            # too, and must not hide why the handshake was refused.
            with contextlib.suppress(Exception):
                client.shutdown()
            raise
        return client


class _MailBoxUnencrypted(MailBoxUnencrypted):
    def _get_mailbox_client(self) -> imaplib.IMAP4:
        return _IMAP4(self._host, self._port, timeout=self._timeout)


KINDS = {"ssl": _MailBoxSsl, "starttls": _MailBoxStartTls, "none": _MailBoxUnencrypted}


def _mailbox(account: MailAccount, *, timeout: float):
    kind = KINDS[account.security]
    if kind is _MailBoxUnencrypted:
        return kind(account.host, account.port, timeout=timeout)
    return kind(account.host, account.port, timeout=timeout, ssl_context=outbound.tls_context())


def not_reached() -> outbound.Unreachable:
    """One answer for a closed port, a silent one, a failed TLS handshake and a server
    that does not speak IMAP: anything finer would tell which ports are open."""
    return outbound.Unreachable(
        _("Could not reach the server. Check the host name, port and encryption.")
    )


def imap_connect(account: MailAccount, *, timeout: float):
    """A logged-in imap_tools mailbox. Raises :class:`crm.outbound.OutboundError` (with a
    message for the user) when no IMAP server was reached, and imap_tools'
    MailboxLoginError when the server refused the login. An OAuth account signs in with
    XOAUTH2 (mailbox.oauth); should the server refuse its access token, the token is
    refreshed and tried once more."""
    try:
        box = _mailbox(account, timeout=timeout)
    except (outbound.HostNotFound, outbound.AddressRefused):
        raise
    except ssl.SSLCertVerificationError as error:
        raise outbound.CertificateRefused(account.host) from error
    except Exception as error:  # refused, timeout, TLS, not IMAP: see not_reached()
        raise not_reached() from error
    try:
        if not account.uses_oauth:
            return box.login(account.username, crypto.decrypt(account.password_encrypted))
        try:
            return _xoauth2(box, account.username, oauth_access_token(account=account))
        except MailboxLoginError:
            token = oauth_access_token(account=account, force_refresh=True)
            return _xoauth2(box, account.username, token)
    except BaseException:
        with contextlib.suppress(Exception):
            box.client.shutdown()
        raise


def _xoauth2(box, username: str, token: str):
    """AUTHENTICATE XOAUTH2 (as imap_tools' ``MailBox.xoauth2``, which answers a refusal's
    error challenge with the token again where the mechanism wants an empty line); a
    refusal is imap_tools' MailboxLoginError, as for a password."""
    auth_string = f"user={username}\x01auth=Bearer {token}\x01\x01"
    try:
        result = box.client.authenticate(
            "XOAUTH2", lambda challenge: "" if challenge else auth_string
        )
    except imaplib.IMAP4.error as error:
        raise MailboxLoginError(("NO", [str(error).encode()]), "OK") from error
    box.login_result = result
    box.folder.set("INBOX")
    return box


# --- reading a folder ---------------------------------------------------------------------
# imaplib hands back a FETCH answer as raw lines; these find the numbers in them.
UID_ITEM = re.compile(rb"UID (\d+)")
SIZE_ITEM = re.compile(rb"RFC822\.SIZE (\d+)")


def fetch_sizes(box, last_uid: int) -> list[tuple[int, int]]:
    """(UID, size) of the selected folder's messages above ``last_uid``, oldest first."""
    _ok, data = box.client.uid("fetch", f"{last_uid + 1}:*", "(RFC822.SIZE)")
    pending = []
    for line in data:
        line = (line[0] if isinstance(line, tuple) else line) or b""
        uid = UID_ITEM.search(line)
        size = SIZE_ITEM.search(line)
        # "n:*" names the last message even when its UID is below n.
        if uid and int(uid.group(1)) > last_uid:
            pending.append((int(uid.group(1)), int(size.group(1)) if size else 0))
    return sorted(pending)


def fetch_sizes_of(box, uids: list[int]) -> list[tuple[int, int]]:
    """(UID, size) of ``uids`` of the selected folder, oldest first."""
    if not uids:
        return []
    _ok, data = box.client.uid("fetch", ",".join(map(str, uids)), "(RFC822.SIZE)")
    sizes = []
    for line in data:
        line = (line[0] if isinstance(line, tuple) else line) or b""
        uid = UID_ITEM.search(line)
        size = SIZE_ITEM.search(line)
        if uid:
            sizes.append((int(uid.group(1)), int(size.group(1)) if size else 0))
    return sorted(sizes)


def fetch_messages(box, uids: list[int]) -> Iterator[tuple[int, bytes]]:
    """(UID, raw message) for ``uids`` of the selected folder, each let go of once
    handed out (the UID is 0 when the server's answer does not name it)."""
    return _fetch(box, uids, "(BODY.PEEK[])")


def fetch_headers(box, uids: list[int], fields: tuple[str, ...]) -> Iterator[tuple[int, bytes]]:
    """(UID, header lines) of ``uids`` of the selected folder: only the header ``fields``
    (a few hundred bytes a message), for deciding which messages to fetch in full."""
    return _fetch(box, uids, f"(BODY.PEEK[HEADER.FIELDS ({' '.join(fields).upper()})])")


def _fetch(box, uids: list[int], items: str) -> Iterator[tuple[int, bytes]]:
    _ok, data = box.client.uid("fetch", ",".join(map(str, uids)), items)
    for i, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        data[i] = None
        # Dovecot names the UID before the message; a server may name it after.
        after = data[i + 1] if i + 1 < len(data) and isinstance(data[i + 1], bytes) else b""
        match = UID_ITEM.search(item[0]) or UID_ITEM.search(after)
        yield (int(match.group(1)) if match else 0), item[1]
