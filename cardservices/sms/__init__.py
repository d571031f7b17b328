"""Sending SMS through a backend chosen in settings, like Django's e-mail backends.

``SMS_BACKEND`` names a class with ``send(message: OutgoingSms) -> SendResult`` that
raises :class:`SmsError` with a message fit for the user when the message was not
accepted. Shipped: ``console`` (the default, for development: logs it and sends
nothing), ``http`` (a real gateway) and ``locmem`` (tests: ``cardservices.sms.outbox``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

# The locmem backend appends here, as django.core.mail.outbox does for e-mail.
outbox: list[OutgoingSms] = []


class SmsError(Exception):
    """The gateway did not take the message; ``str(error)`` is shown to the user."""


@dataclass(frozen=True)
class OutgoingSms:
    to: str  # E.164, e.g. "+4741234567"
    sender: str
    text: str


@dataclass(frozen=True)
class SendResult:
    provider_id: str = ""


def get_backend(path: str | None = None, **kwargs):
    return import_string(path or settings.SMS_BACKEND)(**kwargs)


def sms_ready(backend=None) -> bool:
    """Whether SMS can be used: a gateway is set up, or, while developing (DEBUG), the
    console stands in for one."""
    backend = backend if backend is not None else get_backend()
    return backend.configured and (backend.delivers or settings.DEBUG)
