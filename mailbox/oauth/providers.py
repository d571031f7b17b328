"""The OAuth providers a mail account can sign in with: endpoints, scopes and mail servers.

Each provider is a :class:`Provider` in :data:`PROVIDERS`; the setting
``MAILBOX_OAUTH_PROVIDERS`` may replace any of its fields (``{"google": {"token_url":
…}}``), which is how the tests point them at a local authorization server and how a firm
could reach a national cloud. ``{tenant}`` in a URL is filled from the app registration.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404

from ..models import SignIn


@dataclass(frozen=True)
class Provider:
    key: str
    authorize_url: str
    token_url: str
    # Empty: the provider has no revocation endpoint (Microsoft's v2.0 endpoint has none;
    # its tokens go when the user removes the app at myapps.microsoft.com).
    revoke_url: str
    scopes: tuple[str, ...]
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    folders: str
    # Sent with the authorization request besides the standard parameters.
    authorize_params: dict = field(default_factory=dict)
    uses_tenant: bool = False

    @property
    def label(self) -> str:
        return str(SignIn(self.key).label)

    def url(self, template: str, *, tenant: str = "") -> str:
        return template.format(tenant=tenant or "organizations") if template else ""


PROVIDERS: dict[str, Provider] = {
    # Microsoft identity platform v2.0; the scopes of Exchange Online's IMAP and SMTP AUTH
    # (learn.microsoft.com, «Authenticate an IMAP, POP or SMTP connection using OAuth»).
    SignIn.MICROSOFT: Provider(
        key=SignIn.MICROSOFT,
        authorize_url="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
        token_url="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        revoke_url="",
        scopes=(
            "openid",
            "email",
            "offline_access",
            "https://outlook.office.com/IMAP.AccessAsUser.All",
            "https://outlook.office.com/SMTP.Send",
        ),
        imap_host="outlook.office365.com",
        imap_port=993,
        imap_security="ssl",
        smtp_host="smtp.office365.com",
        smtp_port=587,
        smtp_security="starttls",
        folders="INBOX, Sent Items",
        authorize_params={"response_mode": "query", "prompt": "select_account"},
        uses_tenant=True,
    ),
    # Google's OAuth 2.0 for web server apps; access_type=offline and prompt=consent so
    # that a refresh token comes every time, also when the user connects again.
    SignIn.GOOGLE: Provider(
        key=SignIn.GOOGLE,
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        token_url="https://oauth2.googleapis.com/token",
        revoke_url="https://oauth2.googleapis.com/revoke",
        scopes=("openid", "email", "https://mail.google.com/"),
        imap_host="imap.gmail.com",
        imap_port=993,
        imap_security="ssl",
        smtp_host="smtp.gmail.com",
        smtp_port=587,
        smtp_security="starttls",
        folders="INBOX, [Gmail]/Sent Mail",
        authorize_params={"access_type": "offline", "prompt": "consent"},
    ),
}


def provider_get(key: str) -> Provider:
    """The provider ``key`` with the settings' replacements; Http404 when unknown."""
    if key not in PROVIDERS:
        raise Http404
    changes = getattr(settings, "MAILBOX_OAUTH_PROVIDERS", {}).get(key, {})
    return dataclasses.replace(PROVIDERS[key], **changes)


def provider_keys() -> list[str]:
    return list(PROVIDERS)
