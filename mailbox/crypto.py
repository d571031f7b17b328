"""Mail account passwords, encrypted at rest with Fernet (AES-128-CBC + HMAC).

The key is ``settings.MAILBOX_ENCRYPTION_KEY`` (a Fernet key, from the environment
variable of the same name); when it is empty the key is derived from SECRET_KEY, so
rotating SECRET_KEY then makes the stored passwords unreadable (users re-enter them).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = getattr(settings, "MAILBOX_ENCRYPTION_KEY", "")
    if not key:
        digest = hashlib.sha256(f"mailbox-password:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode() if password else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
