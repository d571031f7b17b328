"""A local stand-in for the company register's open API (data.brreg.no), for tests only.

Serves the answers recorded in ``register_answers.json`` (the API's JSON shape: units,
pages under ``_embedded``, 404 and 410 bodies) on 127.0.0.1, under the same
``/enhetsregisteret/api`` prefix. Unknown paths are 404s. A lookup of ``SLOW`` and a
name search for «treg» answer only after ``DELAY`` seconds, beyond the tests' timeout.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ANSWERS = json.loads((Path(__file__).parent / "register_answers.json").read_text())
PREFIX = "/enhetsregisteret/api"
DELAY = 1.5

MAIN = "912345688"  # NORDLYS BYGG AS, with two branches
BRANCH = "912345696"  # NORDLYS BYGG AS AVD BERGEN
BRANCH_2 = "912345718"
REMOVED = "912345726"  # 410 Gone: removed from public view
MISSING = "912345734"  # 404 as main unit and as branch
DISSOLVED = "912345742"  # deleted 2021-06-30
BANKRUPT = "912345750"  # bankrupt and under liquidation
SLOW = "912345769"


class RegisterHandler(BaseHTTPRequestHandler):
    received: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        RegisterHandler.received.append(self.path)
        path = self.path.removeprefix(PREFIX)
        if SLOW in path or "navn=treg" in path:
            time.sleep(DELAY)
        if path.startswith("/enheter?") and path not in ANSWERS:  # a search nobody recorded
            status, body = 200, ANSWERS["/enheter?navn=ingen+slik+bedrift&size=20"][1]
        else:
            status, body = ANSWERS.get(path, [404, {"status": 404, "error": "Not Found"}])
        data = json.dumps(body).encode() if body is not None else b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting (the timeout tests)
            pass


@pytest.fixture
def register_server(settings):
    """The stub running, and the settings pointing the HTTP backend at it."""
    RegisterHandler.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), RegisterHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}{PREFIX}"
    settings.COMPANY_REGISTER_BACKEND = "companies.register.http.RegisterBackend"
    settings.COMPANY_REGISTER_URL = url
    settings.COMPANY_REGISTER_TIMEOUT = 0.5
    yield url
    server.shutdown()
    server.server_close()
