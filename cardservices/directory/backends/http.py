"""A directory answering ``GET <PHONE_DIRECTORY_URL>?number=+4741234567`` with JSON.

The JSON object's string values (name, address, …) are shown as they come.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from crm.http_client import HttpCallError, call_json

from .. import DirectoryError


class DirectoryBackend:
    def __init__(self, *, url=None, api_key=None, timeout=None):
        self.url = url if url is not None else settings.PHONE_DIRECTORY_URL
        self.api_key = api_key if api_key is not None else settings.PHONE_DIRECTORY_API_KEY
        self.timeout = timeout if timeout is not None else settings.PHONE_DIRECTORY_TIMEOUT

    def lookup(self, e164: str) -> dict:
        if not self.url:
            raise DirectoryError(_("No directory is configured (PHONE_DIRECTORY_URL is empty)."))
        separator = "&" if "?" in self.url else "?"
        try:
            answer = call_json(
                f"{self.url}{separator}{urlencode({'number': e164})}",
                api_key=self.api_key,
                timeout=self.timeout,
            )
        except HttpCallError as error:
            raise DirectoryError(
                _("The directory could not be asked: %(error)s") % {"error": error}
            ) from error
        return {
            str(key)[:50]: str(value)[:300]
            for key, value in answer.items()
            if isinstance(value, str | int | float) and not isinstance(value, bool)
        }
