"""A database outage under a running web server, for real.

A throwaway PostgreSQL of our own (tests/crm/throwaway_postgres.py) is migrated and a user
created with the project's commands; gunicorn serves the CRM from a subprocess with the
production settings (DEBUG off, persistent connections with health checks; static files
aside, see tests/crm/server_settings.py). The test signs in over HTTP, stops PostgreSQL under the running server, reads what users and the load
balancer get, starts PostgreSQL again and reads the same pages from the same server.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django import db
from django.db import connection

from crm.outage import is_database_unavailable
from tests.crm.subprocess_env import gunicorn
from tests.crm.throwaway_postgres import ThrowawayPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
USERNAME, PASSWORD = "kari", "outage-test-password-2026"
HTTP_TIMEOUT = 30

# What the web server's log says once per outage, and when it is over (crm/outage.py).
OUTAGE_LOGGED = "Database unavailable"
RECOVERY_LOGGED = "Database reachable again"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


@dataclass
class Browser:
    """Just enough of a browser: cookies kept by hand (the production cookies are marked
    Secure, and this is plain HTTP on loopback), no redirects followed."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method, path, *, data=None, headers=None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        headers = {"Accept-Language": "nb-NO,nb;q=0.9", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode("utf-8", "replace"))
        finally:
            conn.close()
        self.cookies.update(response.cookies())
        return response

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs) -> Response:
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request("POST", path, data=data, **kwargs)


@dataclass
class WebServer:
    port: int
    process: subprocess.Popen
    logfile: Path

    def log(self) -> str:
        return self.logfile.read_text(errors="replace")


def _server_env(postgres: ThrowawayPostgres, static_root: Path) -> dict[str, str]:
    """The environment an operator gives the server (README, "Configuration"), and nothing
    of the test run's own (its DATABASE_URL, its settings module)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "TEST_DATABASE", "AXES_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.crm.server_settings",
        DATABASE_URL=postgres.url("crm"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="outage-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"


def _wait_for(what: str, check, server: WebServer | None = None, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.process.poll() is not None:
            pytest.fail(f"the web server exited while waiting for {what}:\n{server.log()}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}" + (f":\n{server.log()}" if server else ""))


@pytest.fixture(scope="module")
def postgres():
    server = ThrowawayPostgres()
    try:
        server.init()
        server.start()
        server.create_database("crm")
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def web(postgres, tmp_path_factory):
    env = _server_env(postgres, tmp_path_factory.mktemp("static"))
    _manage(env, "migrate", "--noinput")
    _manage({**env, "CRM_USER_PASSWORD": PASSWORD}, "crm_user", USERNAME)
    port = free_port()
    logfile = tmp_path_factory.mktemp("web") / "gunicorn.log"
    process = gunicorn(env, port=port, logfile=logfile, cwd=ROOT)
    server = WebServer(port, process, logfile)
    try:
        _wait_for(
            "the web server to answer /healthz",
            lambda: Browser(port).get("/healthz").status == 200,
            server,
        )
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _signed_in(port: int) -> Browser:
    browser = Browser(port)
    login = browser.get("/accounts/login/")
    assert login.status == 200
    signed_in = browser.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    assert signed_in.status == 302, signed_in.text[:2000]
    assert "sessionid" in browser.cookies
    return browser


def _assert_unavailable(response: Response, *, text: str) -> None:
    assert response.status == 503, response.text[:2000]
    assert response.headers["Retry-After"] == "30"
    assert text in response.text
    assert "Traceback" not in response.text


def test_a_database_outage_answers_503_with_retry_after_and_the_same_server_recovers(
    postgres, web
):
    kari = _signed_in(web.port)
    start_page = kari.get("/")
    assert start_page.status == 200
    assert "Ny kontakt" in start_page.text

    postgres.stop()

    # The signed-in user's next page: the session and user cannot be read.
    page = kari.get("/")
    _assert_unavailable(page, text="midlertidig utilgjengelig")
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'lang="nb"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    # A user who asks for English gets it: the language comes from the request, not the
    # database.
    english = kari.get("/", headers={"Accept-Language": "en"})
    _assert_unavailable(english, text="temporarily unavailable")
    assert 'lang="en"' in english.text
    # A form sent while the database is away fails in middleware that reads the user
    # before the view runs (pghistory's, on writes).
    logout = kari.post("/accounts/logout/", {})
    _assert_unavailable(logout, text="midlertidig utilgjengelig")
    # The 404 page reads the user for its menu.
    missing = kari.get("/no-such-page/")
    _assert_unavailable(missing, text="midlertidig utilgjengelig")
    # htmx asks for a fragment; it gets the same answer.
    fragment = kari.get("/search/?q=hansen", headers={"HX-Request": "true"})
    _assert_unavailable(fragment, text="midlertidig utilgjengelig")
    # The load balancer's health check.
    health = Browser(web.port).get("/healthz")
    assert health.status == 503
    assert health.headers["Retry-After"] == "30"
    # The page's own styles still come (static files need no database).
    assert Browser(web.port).get("/static/vendor/bootstrap/bootstrap.min.css").status == 200

    postgres.start()

    # The very next requests succeed, from the same server process and worker.
    assert Browser(web.port).get("/healthz").status == 200
    again = kari.get("/")
    assert again.status == 200
    assert "Ny kontakt" in again.text
    assert web.process.poll() is None
    log = web.log()
    assert log.count("Booting worker") == 1, log
    # One record for the whole outage and one for its end; no traceback per request.
    assert log.count(OUTAGE_LOGGED) == 1, log
    assert log.count(RECOVERY_LOGGED) == 1, log
    assert "Traceback" not in log, log
    assert "Service Unavailable" not in log, log


# --- which database errors are an outage ------------------------------------------------
# An outage is answered 503 and logged once; any other database error keeps its 500 and
# its traceback in the log, where an operator needs it.


@pytest.mark.django_db
def test_a_refused_connection_is_an_outage():
    unreachable = connection.copy()
    unreachable.settings_dict = {
        **unreachable.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": free_port(),
    }
    with pytest.raises(db.OperationalError) as caught:
        unreachable.ensure_connection()
    assert is_database_unavailable(caught.value)


@pytest.mark.django_db
def test_a_statement_timeout_is_not_an_outage():
    with pytest.raises(db.OperationalError) as caught, connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    assert not is_database_unavailable(caught.value)
