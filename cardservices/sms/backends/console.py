"""The default backend, for development: the message goes to the log, nowhere else.

It sends nothing, so the CRM stores its messages as not sent, and with DEBUG off it
counts as "SMS is not set up" (see cardservices.sms.sms_ready and the deploy check
cardservices.W001).
"""

import logging

from .. import OutgoingSms, SendResult
from .base import BaseSmsBackend

logger = logging.getLogger("cardservices.sms")


class SmsBackend(BaseSmsBackend):
    delivers = False

    def send(self, message: OutgoingSms) -> SendResult:
        logger.info("SMS from %s to %s: %s", message.sender, message.to, message.text)
        return SendResult(provider_id="console")
