from __future__ import annotations

from abc import ABC, abstractmethod

from .. import OutgoingSms, SendResult


class BaseSmsBackend(ABC):
    """Subclasses implement :meth:`send`; keyword arguments override settings."""

    def __init__(self, **kwargs):
        self.options = kwargs

    @abstractmethod
    def send(self, message: OutgoingSms) -> SendResult:
        """Hand the message to the gateway; raise SmsError with a reason on failure."""
