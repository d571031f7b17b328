"""SMTP connections to users' mail servers, made through the outbound guard.

smtplib resolves and connects by name itself; these clients take a socket from
:func:`crm.outbound.connect` instead (the vetted address, a short connect timeout) and keep
the name for TLS, so the certificate is checked against what the user typed (as
mailbox/imap.py does for IMAP). :func:`smtp_authenticate` is the one place that signs in.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl

from django.core.mail.utils import DNS_NAME

from crm import outbound

from .models import MailAccount
from .oauth.smtp import smtp_oauth_authenticate


class _SMTP(smtplib.SMTP):
    def _get_socket(self, host, port, timeout):
        return outbound.connect(host, port, timeout=timeout)


class _SMTP_SSL(smtplib.SMTP_SSL):  # noqa: N801 (smtplib's name)
    def _get_socket(self, host, port, timeout):
        sock = outbound.connect(host, port, timeout=timeout)
        try:
            return self.context.wrap_socket(sock, server_hostname=self._host)
        except BaseException:
            sock.close()
            raise


def smtp_authenticate(smtp: smtplib.SMTP, account: MailAccount) -> None:
    """Sign in to ``smtp`` as ``account``: the one seam for the ways of signing in.
    An OAuth account (Microsoft 365, Google) with XOAUTH2 and a fresh access token
    (mailbox/oauth/smtp.py); any other with its password (AUTH PLAIN/LOGIN, smtplib's
    choice by what the server offers)."""
    if account.uses_oauth:
        smtp_oauth_authenticate(smtp, account)
        return
    smtp.login(account.smtp_login_name(), account.smtp_password())


def smtp_connect(account: MailAccount, *, timeout: float) -> smtplib.SMTP:
    """A connected, encrypted (as the account says) and signed-in SMTP client.

    Raises :class:`crm.outbound.OutboundError` when the guard refuses the server, nothing
    answered or its certificate is refused (:class:`crm.outbound.CertificateRefused`),
    and smtplib's or ssl's errors for what the server said."""
    host, port = account.smtp_host, account.smtp_port
    context = outbound.tls_context()
    try:
        if account.smtp_security == "ssl":
            smtp = _SMTP_SSL(
                host, port, local_hostname=DNS_NAME.get_fqdn(), timeout=timeout, context=context
            )
        else:
            smtp = _SMTP(host, port, local_hostname=DNS_NAME.get_fqdn(), timeout=timeout)
    except ssl.SSLCertVerificationError as error:
        raise outbound.CertificateRefused(host) from error
    try:
        if account.smtp_security == "starttls":
            smtp.starttls(context=context)
        smtp_authenticate(smtp, account)
    except BaseException as error:
        with contextlib.suppress(Exception):
            smtp.close()
        if isinstance(error, ssl.SSLCertVerificationError):
            raise outbound.CertificateRefused(host) from error
        raise
    return smtp
