"""For tests: messages are kept in ``cardservices.sms.outbox``."""

from .. import OutgoingSms, SendResult, outbox
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, message: OutgoingSms) -> SendResult:
        outbox.append(message)
        return SendResult(provider_id=f"locmem-{len(outbox)}")
