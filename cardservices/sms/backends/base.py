from __future__ import annotations

from .. import OutgoingSms, SendResult


class BaseSmsBackend:
    """Subclasses implement :meth:`send`; keyword arguments override settings."""

    def __init__(self, **kwargs):
        self.options = kwargs

    def send(self, message: OutgoingSms) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError
