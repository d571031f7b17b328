"""AUTH XOAUTH2 for an OAuth mail account's SMTP session (Exchange Online's and Gmail's
SMTP submission), for the code that sends as the user (mailbox/smtp.py)."""

from __future__ import annotations

import smtplib

from ..models import MailAccount
from .services import oauth_access_token


def xoauth2_string(username: str, token: str) -> str:
    """The XOAUTH2 initial response (Google's and Microsoft's SASL XOAUTH2 mechanism)."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def smtp_oauth_authenticate(smtp: smtplib.SMTP, account: MailAccount) -> None:
    """Authenticate ``smtp`` (connected, and after STARTTLS where the port wants it) as
    ``account`` with a fresh access token; a refused token is refreshed and tried once
    more. Raises smtplib.SMTPAuthenticationError when the server refuses that one too,
    and mailbox.oauth.tokens.ReconnectNeeded when the provider refused the refresh
    token (the account is then marked to be connected again)."""
    smtp.ehlo_or_helo_if_needed()
    try:
        _authenticate(smtp, account.username, oauth_access_token(account=account))
    except smtplib.SMTPAuthenticationError:
        token = oauth_access_token(account=account, force_refresh=True)
        _authenticate(smtp, account.username, token)


def _authenticate(smtp: smtplib.SMTP, username: str, token: str) -> None:
    # On a refused token the server sends an error as a 334 challenge and waits for an
    # empty line before its 535.
    smtp.auth(
        "XOAUTH2",
        lambda challenge=None: "" if challenge else xoauth2_string(username, token),
        initial_response_ok=True,
    )
