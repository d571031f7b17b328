"""API tokens: made through the service, so each comes with its secret."""

from api.models import TokenScope
from api.services import token_create


def token_for(user, *, scope=TokenScope.READ_WRITE, name="Integration", expires_at=None):
    """(token, secret) for ``user``."""
    return token_create(user=user, name=name, scope=scope, expires_at=expires_at)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
