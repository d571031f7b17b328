"""A small JSON-over-HTTP call with a timeout and errors a user can read.

Used by the SMS gateway and phone directory backends; the standard library is enough
for one request at a time, and keeps the dependency list short.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


class HttpCallError(Exception):
    """Why the call failed, in words for the user."""


def call_json(
    url: str,
    *,
    method: str = "GET",
    payload: dict | None = None,
    api_key: str = "",
    timeout: float,
) -> dict:
    if urlsplit(url).scheme not in ("http", "https"):
        raise HttpCallError(_("The service address is not an http(s) URL."))
    body = json.dumps(payload).encode() if payload is not None else None
    headers = {"Accept": "application/json", "User-Agent": "kontaktkort-crm"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", "replace").strip()
        raise HttpCallError(
            _("The service answered %(status)s %(reason)s%(detail)s.")
            % {
                "status": error.code,
                "reason": error.reason,
                "detail": f": {detail}" if detail else "",
            }
        ) from error
    except TimeoutError as error:
        raise HttpCallError(
            _("The service did not answer within %(seconds)s seconds.") % {"seconds": timeout}
        ) from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise HttpCallError(
                _("The service did not answer within %(seconds)s seconds.") % {"seconds": timeout}
            ) from error
        raise HttpCallError(
            _("Could not reach the service: %(reason)s.") % {"reason": error.reason}
        ) from error
    except OSError as error:
        raise HttpCallError(
            _("Could not reach the service: %(reason)s.") % {"reason": error}
        ) from error
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise HttpCallError(_("The service's answer was not JSON.")) from error
    return data if isinstance(data, dict) else {"result": data}
