"""Each backend; the HTTP ones against a small HTTP server on 127.0.0.1."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cardservices import sms
from cardservices.directory import DirectoryError, get_directory
from cardservices.directory.backends.http import DirectoryBackend
from cardservices.sms import OutgoingSms, SmsError, get_backend
from cardservices.sms.backends.http import SmsBackend as HttpSmsBackend

MESSAGE = OutgoingSms(to="+4741234567", sender="Firma AS", text="Hei på deg 😀")


class Handler(BaseHTTPRequestHandler):
    received: list = []

    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        Handler.received.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self._route()

    def do_GET(self):
        Handler.received.append({"path": self.path, "auth": self.headers.get("Authorization")})
        self._route()

    def _route(self):
        if self.path.startswith("/slow"):
            time.sleep(1.5)
            self._answer(200, {})
        elif self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/error"):
            self._answer(401, {"error": "unknown api key"})
        elif self.path.startswith("/directory"):
            self._answer(200, {"name": "Kari Nordmann", "address": "Storgata 1", "x": None})
        else:
            self._answer(200, {"id": "msg-42"})


@pytest.fixture
def gateway():
    Handler.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_console_backend_logs_the_message(caplog):
    backend = get_backend("cardservices.sms.backends.console.SmsBackend")
    with caplog.at_level(logging.INFO, logger="cardservices.sms"):
        result = backend.send(MESSAGE)
    assert result.provider_id == "console"
    assert "+4741234567" in caplog.text and "Hei på deg" in caplog.text


def test_locmem_backend_keeps_the_message():
    get_backend("cardservices.sms.backends.locmem.SmsBackend").send(MESSAGE)
    assert sms.outbox == [MESSAGE]


def test_default_backend_comes_from_settings(settings):
    settings.SMS_BACKEND = "cardservices.sms.backends.console.SmsBackend"
    from cardservices.sms.backends.console import SmsBackend

    assert isinstance(get_backend(), SmsBackend)


def test_http_backend_posts_json_with_the_key(gateway):
    backend = HttpSmsBackend(url=gateway + "/sms", api_key="secret", timeout=2)
    result = backend.send(MESSAGE)
    assert result.provider_id == "msg-42"
    [request] = Handler.received
    assert request["auth"] == "Bearer secret"
    assert request["body"] == {"to": "+4741234567", "from": "Firma AS", "text": "Hei på deg 😀"}


def test_http_backend_reads_settings(gateway, settings):
    settings.SMS_HTTP_URL = gateway + "/sms"
    settings.SMS_HTTP_API_KEY = "from-settings"
    settings.SMS_HTTP_TIMEOUT = 2
    HttpSmsBackend().send(MESSAGE)
    assert Handler.received[0]["auth"] == "Bearer from-settings"


def test_http_backend_error_reply_is_a_clear_error(gateway):
    backend = HttpSmsBackend(url=gateway + "/error", api_key="wrong", timeout=2)
    with pytest.raises(SmsError) as error:
        backend.send(MESSAGE)
    assert "401" in str(error.value)
    assert "unknown api key" in str(error.value)


def test_http_backend_timeout_is_a_clear_error(gateway):
    backend = HttpSmsBackend(url=gateway + "/slow", api_key="k", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(SmsError) as error:
        backend.send(MESSAGE)
    assert time.monotonic() - started < 1.4
    assert "0.3" in str(error.value)


def test_http_backend_unreachable_and_unconfigured():
    with pytest.raises(SmsError):
        HttpSmsBackend(url="http://127.0.0.1:9/sms", api_key="k", timeout=1).send(MESSAGE)
    with pytest.raises(SmsError, match="SMS_HTTP_URL"):
        HttpSmsBackend(url="", api_key="k", timeout=1).send(MESSAGE)


def test_http_backend_refuses_other_schemes():
    with pytest.raises(SmsError):
        HttpSmsBackend(url="file:///etc/passwd", api_key="k", timeout=1).send(MESSAGE)


def test_directory_is_off_by_default(settings):
    settings.PHONE_DIRECTORY_BACKEND = ""
    assert get_directory() is None


def test_http_directory_answers(gateway):
    backend = DirectoryBackend(url=gateway + "/directory", api_key="k", timeout=2)
    assert backend.lookup("+4741234567") == {"name": "Kari Nordmann", "address": "Storgata 1"}
    assert Handler.received[0]["path"] == "/directory?number=%2B4741234567"


def test_http_directory_errors(gateway):
    with pytest.raises(DirectoryError, match="401"):
        DirectoryBackend(url=gateway + "/error", api_key="k", timeout=2).lookup("+4741234567")
    with pytest.raises(DirectoryError):
        DirectoryBackend(url=gateway + "/slow", api_key="k", timeout=0.3).lookup("+4741234567")


def test_http_backends_refuse_an_internal_address_without_connecting(gateway, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(SmsError, match="intern adresse"):
        HttpSmsBackend(url=gateway + "/sms", api_key="k", timeout=2).send(MESSAGE)
    with pytest.raises(DirectoryError, match="intern adresse"):
        DirectoryBackend(url=gateway + "/directory", api_key="k", timeout=2).lookup("+4741234567")
    assert Handler.received == []


def test_http_backends_reach_an_allowed_internal_gateway(gateway, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    url = gateway.replace("127.0.0.1", "localhost")
    assert HttpSmsBackend(url=url + "/sms", api_key="k", timeout=2).send(MESSAGE).provider_id
    assert len(Handler.received) == 1


def test_http_backend_does_not_follow_a_redirect(gateway):
    """A redirect could point anywhere, the metadata address included: it is an error."""
    with pytest.raises(SmsError, match="302"):
        HttpSmsBackend(url=gateway + "/redirect", api_key="k", timeout=2).send(MESSAGE)
    assert [r["path"] for r in Handler.received] == ["/redirect"]


def test_http_backend_tls_failure_reads_like_a_closed_port(gateway, closed_port):
    """A TLS handshake that fails means the port is open: it must not say so."""
    with pytest.raises(SmsError) as tls:
        HttpSmsBackend(url=gateway.replace("http:", "https:") + "/sms", timeout=2).send(MESSAGE)
    with pytest.raises(SmsError) as closed:
        HttpSmsBackend(url=f"http://127.0.0.1:{closed_port}/sms", timeout=2).send(MESSAGE)
    assert str(tls.value) == str(closed.value)
    assert "Fikk ikke kontakt med serveren" in str(tls.value)


@pytest.mark.parametrize(
    ("backend", "url", "warned"),
    [
        ("cardservices.sms.backends.console.SmsBackend", "", True),
        ("cardservices.sms.backends.http.SmsBackend", "", True),
        ("cardservices.sms.backends.http.SmsBackend", "https://sms.example.no/send", False),
    ],
)
def test_deploy_check_warns_while_sms_is_not_set_up(settings, backend, url, warned):
    from django.core import checks
    from django.core.checks.registry import registry

    from cardservices.checks import sms_gateway_check

    settings.SMS_BACKEND = backend
    settings.SMS_HTTP_URL = url
    found = sms_gateway_check(app_configs=None)
    assert [m.id for m in found] == (["cardservices.W001"] if warned else [])
    assert all(m.level == checks.WARNING for m in found)
    # Only `check --deploy` runs it: development keeps the console backend quietly.
    assert sms_gateway_check in registry.get_checks(include_deployment_checks=True)
    assert sms_gateway_check not in registry.get_checks()
