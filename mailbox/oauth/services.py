"""«Koble til Microsoft 365 / Google»: the authorization code flow with PKCE (RFC 7636,
S256), the tokens kept encrypted on the account, refreshed before they run out.

The flow's secrets (``state`` and the PKCE verifier) live in the user's session only: a
callback is accepted once, for the session that started it, within
:data:`PENDING_SECONDS`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import time
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import crypto
from ..models import MailAccount, OAuthApp
from . import tokens
from .providers import Provider, provider_get

SESSION_KEY = "mailbox_oauth"
# A sign-in at the provider may take a while (a second factor, choosing the account).
PENDING_SECONDS = 15 * 60
# Sign-ins started and not finished that a session keeps (several tabs).
PENDING_MAX = 5
# An access token this close to running out is refreshed before use: a sync's IMAP
# session or a send must not lose it half-way.
REFRESH_MARGIN = dt.timedelta(minutes=5)


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of ``verifier`` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def oauth_app(provider: Provider) -> OAuthApp:
    app = OAuthApp.objects.filter(provider=provider.key).first()
    if app is None or not app.client_id:
        raise ValidationError(
            _(
                "%(provider)s is not set up yet: ask the administrator to enter the app registration."
            )
            % {"provider": provider.label}
        )
    return app


@transaction.atomic
def oauth_app_save(*, provider: str, client_id: str, client_secret: str, tenant: str) -> OAuthApp:
    """Create or update the firm's registration with ``provider``; an empty secret keeps
    the stored one."""
    app = OAuthApp.objects.filter(provider=provider).first() or OAuthApp(provider=provider)
    app.client_id, app.tenant = client_id.strip(), tenant.strip()
    if client_secret:
        app.client_secret_encrypted = crypto.encrypt(client_secret)
    app.full_clean()
    app.save()
    return app


def oauth_start(
    *,
    session,
    provider_key: str,
    redirect_uri: str,
    account: MailAccount | None = None,
    login_hint: str = "",
) -> str:
    """The provider's authorization URL to send the user to; notes the flow's state and
    PKCE verifier in ``session``. ``account``: one to connect again."""
    provider = provider_get(provider_key)
    app = oauth_app(provider)
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-] (§4.1: 43-128)
    pending = _pending(session)
    pending[state] = {
        "provider": provider.key,
        "verifier": verifier,
        "account": account.pk if account else None,
        "hint": login_hint.strip()[:254],
        "started": time.time(),
    }
    newest = sorted(pending.items(), key=lambda kv: kv[1].get("started", 0))[-PENDING_MAX:]
    session[SESSION_KEY] = dict(newest)
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": state,
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
        **provider.authorize_params,
    }
    hint = account.email if account else login_hint.strip()
    if hint:
        params["login_hint"] = hint
    return provider.url(provider.authorize_url, tenant=app.tenant) + "?" + urlencode(params)


def _pending(session) -> dict:
    pending = session.get(SESSION_KEY)
    if not isinstance(pending, dict):
        return {}
    now = time.time()
    return {
        state: flow
        for state, flow in pending.items()
        if isinstance(flow, dict) and now - float(flow.get("started") or 0) < PENDING_SECONDS
    }


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="oauth")


def oauth_finish(*, user, session, params, redirect_uri: str) -> MailAccount:
    """The callback: check ``state`` against the session, trade the code for tokens and
    store them on the user's account (created, or the one being connected again).
    Refusals are ValidationErrors with a message for the user."""
    state = params.get("state") or ""
    pending = _pending(session)
    flow = pending.pop(state, None) if isinstance(state, str) else None
    session[SESSION_KEY] = pending  # a state is good for one callback
    if flow is None:
        raise _refused(
            _(
                "The sign-in could not be matched to this browser session (it may have "
                "expired, or been started elsewhere). Start again with «Connect»."
            )
        )
    if params.get("error"):
        raise _refused(
            _("The sign-in was cancelled or refused by the provider (%(error)s).")
            % {"error": str(params.get("error"))[:100]}
        )
    verifier, code = flow.get("verifier"), params.get("code")
    if not verifier or not code:
        raise _refused(_("The sign-in was incomplete. Start again with «Connect»."))
    provider = provider_get(flow.get("provider", ""))
    app = oauth_app(provider)
    try:
        answer = tokens.token_request(
            provider.url(provider.token_url, tenant=app.tenant),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": app.client_id,
                "client_secret": crypto.decrypt(app.client_secret_encrypted),
                "code_verifier": verifier,
            },
        )
    except tokens.ReconnectNeeded as error:  # the code or the PKCE verifier was refused
        raise _refused(
            _("The provider refused the sign-in. Start again with «Connect».")
        ) from error
    except tokens.OAuthError as error:
        raise _refused(str(error)) from error
    if not answer.refresh_token:
        raise _refused(
            _(
                "The provider gave no lasting access (no refresh token). Start again with «Connect»."
            )
        )
    account = None
    if flow.get("account"):
        account = MailAccount.objects.filter(pk=flow["account"], user=user).first()
    # The provider's word first; else the address the user typed, or the account's own.
    email = tokens.id_token_email(answer.id_token) or (
        account.email if account else str(flow.get("hint") or "")
    )
    try:
        validate_email(email)
    except ValidationError as error:
        raise _refused(_("The provider did not tell the account's e-mail address.")) from error
    return _account_connect(
        user=user, account=account, provider=provider, email=email, answer=answer
    )


@transaction.atomic
def _account_connect(*, user, account, provider: Provider, email: str, answer) -> MailAccount:
    account = (
        account
        or MailAccount.objects.filter(user=user, host=provider.imap_host, username=email).first()
        or MailAccount(user=user, folders=provider.folders)
    )
    account.sign_in, account.email, account.username = provider.key, email, email
    account.host, account.port = provider.imap_host, provider.imap_port
    account.security = provider.imap_security
    # Sending goes out through the provider's SMTP submission, signed in with the token.
    account.smtp_host, account.smtp_port = provider.smtp_host, provider.smtp_port
    account.smtp_security = provider.smtp_security
    account.password_encrypted = ""
    _tokens_keep(account, answer)
    account.needs_reconnect, account.last_error = False, ""
    account.full_clean()
    account.save()
    return account


def _tokens_keep(account: MailAccount, answer) -> None:
    account.oauth_access_encrypted = crypto.encrypt(answer.access_token)
    if answer.refresh_token:  # Google keeps the refresh token; Microsoft sends a new one
        account.oauth_refresh_encrypted = crypto.encrypt(answer.refresh_token)
    account.oauth_expires_at = timezone.now() + dt.timedelta(seconds=answer.expires_in)


def oauth_access_token(*, account: MailAccount, force_refresh: bool = False) -> str:
    """A valid access token for ``account``, refreshed first when it runs out within
    :data:`REFRESH_MARGIN` (or ``force_refresh``: the server refused the one we had).

    Raises :class:`tokens.ReconnectNeeded` when the provider refused the refresh token;
    the account is then marked, and not asked about again until the user connects it."""
    if account.needs_reconnect:
        raise tokens.ReconnectNeeded()
    fresh = account.oauth_expires_at and account.oauth_expires_at - REFRESH_MARGIN > timezone.now()
    if fresh and not force_refresh:
        return crypto.decrypt(account.oauth_access_encrypted)
    seen = account.oauth_access_encrypted
    try:
        with transaction.atomic():
            # One refresh at a time per account: a provider that rotates refresh tokens
            # (Microsoft) would otherwise see the old one used twice.
            locked = MailAccount.objects.select_for_update().get(pk=account.pk)
            if locked.needs_reconnect:  # another process was refused meanwhile
                raise tokens.ReconnectNeeded()
            if locked.oauth_access_encrypted != seen:  # another process refreshed it
                _copy_tokens(locked, account)
                return crypto.decrypt(locked.oauth_access_encrypted)
            _refresh(locked)
            locked.save(
                update_fields=[
                    "oauth_access_encrypted",
                    "oauth_refresh_encrypted",
                    "oauth_expires_at",
                    "updated_at",
                ]
            )
    except tokens.ReconnectNeeded as error:
        account.needs_reconnect, account.last_error = True, str(error)
        MailAccount.objects.filter(pk=account.pk).update(
            needs_reconnect=True, last_error=account.last_error
        )
        raise
    _copy_tokens(locked, account)
    return crypto.decrypt(account.oauth_access_encrypted)


def _copy_tokens(source: MailAccount, target: MailAccount) -> None:
    target.oauth_access_encrypted = source.oauth_access_encrypted
    target.oauth_refresh_encrypted = source.oauth_refresh_encrypted
    target.oauth_expires_at = source.oauth_expires_at
    target.needs_reconnect = source.needs_reconnect


def _refresh(account: MailAccount) -> None:
    provider = provider_get(account.sign_in)
    try:
        app = oauth_app(provider)
    except ValidationError as error:
        raise tokens.OAuthError(error.messages[0]) from error
    refresh_token = crypto.decrypt(account.oauth_refresh_encrypted)
    if not refresh_token:
        raise tokens.ReconnectNeeded()
    answer = tokens.token_request(
        provider.url(provider.token_url, tenant=app.tenant),
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            "client_secret": crypto.decrypt(app.client_secret_encrypted),
            "scope": " ".join(provider.scopes),
        },
    )
    _tokens_keep(account, answer)


def oauth_tokens_revoke(*, account: MailAccount) -> None:
    """Tell the provider to forget the account's tokens (where it has a revocation
    endpoint); called when the account is removed."""
    if not account.uses_oauth:
        return
    provider = provider_get(account.sign_in)
    app = OAuthApp.objects.filter(provider=provider.key).first()
    token = crypto.decrypt(account.oauth_refresh_encrypted)
    if provider.revoke_url and app and token:
        tokens.revoke_request(provider.url(provider.revoke_url, tenant=app.tenant), token)
