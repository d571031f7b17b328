"""Writes on API tokens. Each is one transaction."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, TokenScope

# «kk_» (kontaktkort) marks the secret for secret scanners and for the reader of a log.
SECRET_PREFIX = "kk_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 6
# Touching last_used_at on every request would write a row per call: once a minute is
# enough to tell a user which token is in use.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user, name: str, scope: str = TokenScope.READ, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, which is returned this once and never
    stored (only its digest)."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        expires_at=expires_at,
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
    )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke the token (at once and for good); a second revoke changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def token_touch(*, token: ApiToken) -> None:
    """Note that the token was used (at most once per ``LAST_USED_EVERY``)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
