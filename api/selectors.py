"""Reads of API tokens."""

import hmac

from django.shortcuts import get_object_or_404

from .models import ApiToken
from .services import token_digest


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, with its user, or None (unknown, revoked or
    expired alike: the caller answers 401 whichever it was)."""
    if not secret or len(secret) > 200:
        return None
    digest = token_digest(secret)
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    return token if token.is_active else None


def tokens_of(*, user):
    return list(ApiToken.objects.filter(user=user))


def tokens_all():
    return ApiToken.objects.select_related("user").order_by("-created_at", "-id")


def token_of_user(*, user, pk: int) -> ApiToken:
    """The user's own token (404 for anyone else's)."""
    return get_object_or_404(ApiToken, pk=pk, user=user)


def token_any(*, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk)
