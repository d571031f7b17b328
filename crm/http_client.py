"""A small JSON-over-HTTP call with a timeout and errors a user can read.

Used by the SMS gateway, the phone directory, the company register backends and the
webhooks (it lives in the kernel so that features call it without importing one
another); the standard library is enough for one request at a time, and keeps the dependency list short. The connection goes
through the outbound guard (crm/outbound.py) to the vetted address; redirects are not
followed (one could point anywhere) and no proxy from the environment is used (the
guard could not see where it leads).
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from crm import outbound


class HttpCallError(Exception):
    """Why the call failed, in words for the user. ``status`` is the HTTP status when the
    server answered with one outside 2xx (a caller may treat 404 as «nothing there»),
    else None; ``body`` the start of that answer."""

    def __init__(self, message, *, status: int | None = None, body: bytes = b""):
        super().__init__(message)
        self.status = status
        self.body = body


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = outbound.connect(self.host, self.port, timeout=self.timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        sock = outbound.connect(self.host, self.port, timeout=self.timeout)
        try:
            # The certificate is checked against the name in the URL, not the address.
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class HttpAnswer:
    """A server's answer, whatever its status: ``status``, ``reason`` and the start of
    ``body`` (at most ``max_bytes``)."""

    def __init__(self, status: int, reason: str, body: bytes):
        self.status = status
        self.reason = reason
        self.body = body


def send(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float,
    max_bytes: int = 65536,
) -> HttpAnswer:
    """One request through the outbound guard, answered with any status (the webhooks
    keep a 500's body to show it); :class:`HttpCallError` only when no answer came."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpCallError(_("The service address is not an http(s) URL."))
    try:
        port = parts.port
    except ValueError as error:
        raise HttpCallError(_("The service address is not an http(s) URL.")) from error
    kind = _HTTPSConnection if parts.scheme == "https" else _HTTPConnection
    connection = kind(parts.hostname, port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            connection.connect()
        except outbound.OutboundError:
            raise
        except OSError as error:  # the TLS handshake: the same answer as no connection
            raise outbound.Unreachable() from error
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        raw = response.read(max_bytes)
    except outbound.OutboundError as error:
        raise HttpCallError(str(error)) from error
    except TimeoutError as error:
        raise HttpCallError(
            _("The service did not answer within %(seconds)s seconds.") % {"seconds": timeout}
        ) from error
    except (OSError, http.client.HTTPException) as error:
        raise HttpCallError(
            _("Could not reach the service: %(reason)s.") % {"reason": error}
        ) from error
    finally:
        connection.close()
    return HttpAnswer(response.status, response.reason, raw)


def call_json(
    url: str,
    *,
    method: str = "GET",
    payload: dict | None = None,
    api_key: str = "",
    timeout: float,
    max_bytes: int = 65536,
) -> dict:
    body = json.dumps(payload).encode() if payload is not None else None
    headers = {"Accept": "application/json", "User-Agent": "kontaktkort-crm"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    response = send(
        url, method=method, body=body, headers=headers, timeout=timeout, max_bytes=max_bytes
    )
    raw = response.body
    if not 200 <= response.status < 300:
        detail = raw[:300].decode("utf-8", "replace").strip()
        raise HttpCallError(
            _("The service answered %(status)s %(reason)s%(detail)s.")
            % {
                "status": response.status,
                "reason": response.reason,
                "detail": f": {detail}" if detail else "",
            },
            status=response.status,
            body=raw[:4096],
        )
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise HttpCallError(_("The service's answer was not JSON.")) from error
    return data if isinstance(data, dict) else {"result": data}
