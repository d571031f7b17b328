"""Writes on calendar feeds, and the token in a feed's address (see CalendarFeed)."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction

from ..models import CalendarFeed


def feed_token(nonce: str) -> str:
    """The address's secret: an HMAC of the stored nonce under the SECRET_KEY."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"calendar-feed:{nonce}".encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_renew(*, user) -> CalendarFeed:
    """A new address for ``user``'s feeds («Lag ny lenke»); the old one stops at once."""
    nonce = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.select_for_update().update_or_create(
        user=user, defaults={"nonce": nonce, "digest": feed_digest(feed_token(nonce))}
    )
    return feed


@transaction.atomic
def feed_stop(*, user) -> None:
    """No address at all (until a new one is made)."""
    CalendarFeed.objects.filter(user=user).delete()
