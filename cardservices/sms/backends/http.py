"""A real SMS gateway over HTTP (see README, "Services on the card").

POSTs ``{"to": "+4741234567", "from": "<SMS_SENDER>", "text": "…"}`` as JSON to
``SMS_HTTP_URL`` with ``Authorization: Bearer <SMS_HTTP_API_KEY>``; any 2xx answer is
success, and an ``id`` (or ``message_id``) in a JSON answer is kept as the provider's id.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from crm.http_client import HttpCallError, call_json

from .. import OutgoingSms, SendResult, SmsError
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, url=None, api_key=None, timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.url = url if url is not None else settings.SMS_HTTP_URL
        self.api_key = api_key if api_key is not None else settings.SMS_HTTP_API_KEY
        self.timeout = timeout if timeout is not None else settings.SMS_HTTP_TIMEOUT

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def send(self, message: OutgoingSms) -> SendResult:
        if not self.url:
            raise SmsError(_("No SMS gateway is configured (SMS_HTTP_URL is empty)."))
        try:
            answer = call_json(
                self.url,
                method="POST",
                payload={"to": message.to, "from": message.sender, "text": message.text},
                api_key=self.api_key,
                timeout=self.timeout,
            )
        except HttpCallError as error:
            raise SmsError(_("The SMS was not sent: %(error)s") % {"error": error}) from error
        provider_id = answer.get("id") or answer.get("message_id") or ""
        return SendResult(provider_id=str(provider_id)[:100])
