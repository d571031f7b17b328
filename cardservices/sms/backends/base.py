from __future__ import annotations

from abc import ABC, abstractmethod

from .. import OutgoingSms, SendResult


class BaseSmsBackend(ABC):
    """Subclasses implement :meth:`send`; keyword arguments override settings."""

    # False for a backend that only shows the message to a developer (console): what it
    # "sends" is stored as not sent, and outside DEBUG it is not used at all.
    delivers = True

    @property
    def configured(self) -> bool:
        """Whether the backend has what it needs to hand a message on (e.g. a URL)."""
        return True

    def __init__(self, **kwargs):
        self.options = kwargs

    @abstractmethod
    def send(self, message: OutgoingSms) -> SendResult:
        """Hand the message to the gateway; raise SmsError with a reason on failure."""
