"""The default backend: the message goes to the log, nowhere else."""

import logging

from .. import OutgoingSms, SendResult
from .base import BaseSmsBackend

logger = logging.getLogger("cardservices.sms")


class SmsBackend(BaseSmsBackend):
    def send(self, message: OutgoingSms) -> SendResult:
        logger.info("SMS from %s to %s: %s", message.sender, message.to, message.text)
        return SendResult(provider_id="console")
