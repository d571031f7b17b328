"""The calls to a provider's token and revocation endpoints (RFC 6749 §4.1.3, §6; RFC
7009), through the outbound guard (crm/http_client.py).

No OAuth library: Authlib's and requests-oauthlib's clients send through requests/httpx,
which would go around crm/outbound.py; what is left of the protocol is a form POST and
reading a JSON answer, done here with the standard library.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from crm import http_client
from crm.outbound import OutboundError

# Seconds the token endpoint has to answer; a sync or a page waits that long at most.
TOKEN_TIMEOUT = 10
# Error codes (RFC 6749 §5.2) about the firm's app registration rather than the user's
# grant (a client secret expired: Microsoft's last two years at most): the administrator
# fixes them once, and no user has to connect again.
CLIENT_REFUSED = {"invalid_client", "unauthorized_client"}


class OAuthError(OutboundError):
    """No token was had; ``str(error)`` is a message for the user."""


class ReconnectNeeded(OAuthError):
    def __init__(self):
        super().__init__(
            _(
                "The provider no longer accepts the CRM's access to this mail account "
                "(it was revoked, or has expired). Connect the account again."
            )
        )


@dataclass
class TokenAnswer:
    access_token: str
    refresh_token: str
    expires_in: int
    id_token: str


def token_request(url: str, form: dict[str, str]) -> TokenAnswer:
    """POST ``form`` to the token endpoint. :class:`ReconnectNeeded` when the provider
    refuses the grant, :class:`OAuthError` for anything else that went wrong."""
    try:
        answer = http_client.send(
            url,
            method="POST",
            body=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=TOKEN_TIMEOUT,
        )
    except http_client.HttpCallError as error:
        raise OAuthError(
            _("The sign-in service could not be reached: %(reason)s") % {"reason": error}
        ) from error
    try:
        data = json.loads(answer.body)
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if answer.status in (400, 401) and data.get("error") == "invalid_grant":
        raise ReconnectNeeded()  # the code, or the refresh token, is no longer good
    if answer.status in (400, 401) and data.get("error") in CLIENT_REFUSED:
        raise OAuthError(
            _(
                "The provider refused the firm's app registration (its client secret may "
                "have expired): ask the administrator to check it."
            )
        )
    access = data.get("access_token")
    if not 200 <= answer.status < 300 or not isinstance(access, str) or not access:
        raise OAuthError(
            _("The sign-in service refused the request (%(status)s %(error)s).")
            % {"status": answer.status, "error": str(data.get("error", ""))[:100]}
        )
    try:
        expires_in = int(data.get("expires_in") or 3600)
    except (TypeError, ValueError):
        expires_in = 3600
    return TokenAnswer(
        access_token=access,
        refresh_token=str(data.get("refresh_token") or ""),
        expires_in=max(expires_in, 0),
        id_token=str(data.get("id_token") or ""),
    )


def revoke_request(url: str, token: str) -> None:
    """Ask the provider to forget ``token`` (RFC 7009); failures are the provider's to
    keep: the account is gone here either way."""
    with contextlib.suppress(http_client.HttpCallError):
        http_client.send(
            url,
            method="POST",
            body=urlencode({"token": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=TOKEN_TIMEOUT,
        )


def id_token_email(id_token: str) -> str:
    """The e-mail address an OpenID Connect ID token names ("" when none).

    The signature is not checked: the token came straight from the token endpoint over
    TLS, which OpenID Connect Core §3.1.3.7 (6) accepts in place of it. Microsoft puts a
    work account's address in ``preferred_username`` when ``email`` is not set.
    """
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return ""
    if not isinstance(claims, dict):
        return ""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    return ""
