"""Two web servers sharing everything, for real: a user moves between them mid-flow.

Two gunicorn servers (A and B) run the production settings (tests/crm/server_settings.py)
in subprocesses on two loopback ports, against the test database, one Redis started here
(REDIS_URL: caches and cached sessions) and the S3 server of tests/conftest.py
(FILES_S3_*: uploaded files). The test's data is committed (``transactional_db``) so that
the servers see it. One browser (a ``requests`` session: cookies belong to the host, not
the port, as behind a load balancer) sends each request to A or B as a balancer might.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from contacts.models import Contact
from files.models import StoredFile
from tests.api.factories import token_for
from tests.crm.factories import UserFactory
from tests.crm.subprocess_env import gunicorn, production_env
from tests.crm.throwaway_postgres import free_port
from tests.crm.throwaway_redis import ThrowawayRedis

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two-servers-test-password-2026"
HTTP_TIMEOUT = 30
REGION = "eu-north-1"
ACCESS_KEY, SECRET_KEY = "crm-test-key", "crm-test-secret"
# The API's limit on both servers: few requests, in one window from 2001 to 2033, so that
# no window ends while the test runs (the count starts again in a new window).
API_LIMIT = 4
API_WINDOW_SECONDS = 10**9
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- the servers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server():
    server = ThrowawayRedis()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def shared_redis(redis_server):
    """The module's Redis, emptied for each test."""
    client = redis_server.client()
    client.flushall()
    yield redis_server
    client.flushall()


@pytest.fixture
def bucket(s3_endpoint):
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    name = f"crm-two-servers-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return s3, name


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    logfile: Path
    media_root: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.logfile.read_text(errors="replace")


def _server_env(*, redis_url, s3_endpoint, bucket_name, static_root, media_root) -> dict:
    """The environment an operator gives each server (README, "Configuration"): the
    same for both but for the folder on its own disk."""
    return production_env(
        DJANGO_SECRET_KEY="two-servers-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        # Plain HTTP on loopback: the browser would not send back cookies marked Secure.
        DJANGO_SESSION_COOKIE_SECURE="false",
        DJANGO_CSRF_COOKIE_SECURE="false",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(media_root),
        REDIS_URL=redis_url,
        FILES_S3_BUCKET=bucket_name,
        FILES_S3_ENDPOINT_URL=s3_endpoint,
        FILES_S3_ACCESS_KEY_ID=ACCESS_KEY,
        FILES_S3_SECRET_ACCESS_KEY=SECRET_KEY,
        FILES_S3_REGION=REGION,
        API_RATE_LIMIT_REQUESTS=str(API_LIMIT),
        API_RATE_LIMIT_SECONDS=str(API_WINDOW_SECONDS),
    )


def _start(name: str, env: dict, folder: Path) -> Server:
    port = free_port()
    logfile = folder / f"gunicorn-{name}.log"
    process = gunicorn(env, port=port, logfile=logfile, cwd=ROOT)
    return Server(name, port, process, logfile, Path(env["DJANGO_MEDIA_ROOT"]))


def _wait_until_up(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server {server.name} exited:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still busy starting
            pass
        time.sleep(0.2)
    pytest.fail(f"server {server.name} did not answer /healthz:\n{server.log()}")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(5)


@pytest.fixture
def servers(transactional_db, shared_redis, s3_endpoint, bucket, tmp_path):
    """Servers A and B, started for each test: the database is emptied between tests,
    and a running server would keep ids it cached (content types) from before."""
    _s3, bucket_name = bucket
    started = []
    try:
        for name in ("a", "b"):
            folder = tmp_path / name
            (folder / "media").mkdir(parents=True)
            env = _server_env(
                redis_url=shared_redis.url,
                s3_endpoint=s3_endpoint,
                bucket_name=bucket_name,
                static_root=folder / "static",
                media_root=folder / "media",
            )
            started.append(_start(name, env, folder))
        for server in started:
            _wait_until_up(server)
        yield tuple(started)
    finally:
        for server in started:
            _stop(server)


# --- the browser ------------------------------------------------------------------------


class Browser:
    """One browser; each request names the server the balancer sent it to."""

    def __init__(self):
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "nb-NO,nb;q=0.9"

    def get(self, server: Server, path: str, **kwargs) -> requests.Response:
        return self.session.get(
            server.url + path, allow_redirects=False, timeout=HTTP_TIMEOUT, **kwargs
        )

    def post(self, server: Server, path: str, data: dict, *, token: str, **kwargs):
        return self.session.post(
            server.url + path,
            data={"csrfmiddlewaretoken": token, **data},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
            **kwargs,
        )

    def sign_in(self, server: Server, username: str) -> None:
        form = self.get(server, "/accounts/login/")
        assert form.status_code == 200
        response = self.post(
            server,
            "/accounts/login/",
            {"username": username, "password": PASSWORD},
            token=csrf_token(form),
        )
        assert response.status_code == 302, response.text[:2000]


def csrf_token(page: requests.Response) -> str:
    match = CSRF_FIELD.search(page.text)
    assert match, page.text[:2000]
    return match.group(1)


def search_panel(page: requests.Response) -> str:
    """The search panel's HTML in a page (the part kept in the cache)."""
    match = re.search(r'<search class="search-panel">.*?</search>', page.text, re.DOTALL)
    assert match, page.text[:2000]
    return match.group(0)


def _user(**kwargs):
    """A user whose password the servers' own hasher checks (the suite hashes with MD5,
    which production does not accept)."""
    user = UserFactory(**kwargs)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def _assert_healthy(*servers: Server) -> None:
    for server in servers:
        assert server.process.poll() is None, server.log()
        assert "Traceback" not in server.log(), server.log()


# --- the flow -----------------------------------------------------------------------------


def test_signed_in_on_one_server_the_user_goes_on_on_the_other(servers):
    a, b = servers
    user = _user(crm_access=True)
    browser = Browser()

    browser.sign_in(a, user.username)
    start_page = browser.get(b, "/")

    assert start_page.status_code == 200
    assert "Ny kontakt" in start_page.text
    # Signed out on B: A no longer knows the session either (not even from a cached copy).
    logout = browser.post(b, "/accounts/logout/", {}, token=csrf_token(start_page))
    assert logout.status_code == 302
    again_on_a = browser.get(a, "/")
    assert again_on_a.status_code == 302
    assert again_on_a.headers["Location"].startswith("/accounts/login/")
    _assert_healthy(a, b)


def test_a_form_refused_on_one_server_is_sent_again_on_the_other(servers):
    a, b = servers
    user = _user(crm_access=True)
    browser = Browser()
    browser.sign_in(a, user.username)
    data = {"first_name": "Kari", "last_name": "", "emails": "kari@firma.no", "notes": ""}

    refused = browser.post(
        a, "/contacts/new/", data, token=csrf_token(browser.get(a, "/contacts/new/"))
    )
    assert refused.status_code == 200
    assert "En kontakt må ha et etternavn" in refused.text
    assert 'value="kari@firma.no"' in refused.text  # nothing typed is lost

    # B checks the token A's page carries (a made-up one is refused).
    forged = browser.post(b, "/contacts/new/", {**data, "last_name": "Nordmann"}, token="x" * 64)
    assert forged.status_code == 403
    saved = browser.post(
        b, "/contacts/new/", {**data, "last_name": "Nordmann"}, token=csrf_token(refused)
    )

    assert saved.status_code == 302, saved.text[:2000]
    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name) == ("Kari", "Nordmann")
    assert saved.headers["Location"] == f"{contact.get_absolute_url()}?saved=1"
    assert browser.get(a, contact.get_absolute_url()).status_code == 200
    _assert_healthy(a, b)


def test_a_file_uploaded_on_one_server_is_downloaded_from_the_other(servers, bucket):
    a, b = servers
    s3, bucket_name = bucket
    user = _user(crm_access=True)
    contact = Contact.objects.create(first_name="Kari", last_name="Nordmann")
    browser = Browser()
    browser.sign_in(a, user.username)
    card = browser.get(a, f"/contacts/{contact.pk}/files/")
    content = "Kontrakt for Ærlig Øyvind Åsen\n".encode() * 500

    uploaded = browser.session.post(
        f"{a.url}/files/contact/{contact.pk}/upload/",
        data={"csrfmiddlewaretoken": csrf_token(card)},
        files={"files": ("Kontrakt æøå.txt", content, "text/plain")},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    assert uploaded.status_code == 302, uploaded.text[:2000]
    stored = StoredFile.objects.get()
    download = browser.get(b, f"/files/{stored.pk}/download/")

    assert download.status_code == 200
    assert download.content == content
    # The bytes are in the bucket, on neither server's own disk.
    assert s3.get_object(Bucket=bucket_name, Key=stored.key)["Body"].read() == content
    assert [p for p in a.media_root.rglob("*") if p.is_file()] == []
    assert [p for p in b.media_root.rglob("*") if p.is_file()] == []
    _assert_healthy(a, b)


def test_a_category_added_on_one_server_shows_at_once_in_the_others_search_panel(
    servers, shared_redis
):
    a, b = servers
    admin = _user(crm_access=True, firm_admin=True)
    browser = Browser()
    browser.sign_in(a, admin.username)
    # B renders the panel (no such category yet) and keeps it in the shared cache.
    assert "Nyhetsbrev" not in search_panel(browser.get(b, "/"))
    assert shared_redis.client().exists("crm:1:search:panel:nb")

    form = browser.get(a, "/admin/contacts/category/add/")
    added = browser.post(
        a, "/admin/contacts/category/add/", {"name": "Nyhetsbrev"}, token=csrf_token(form)
    )
    assert added.status_code == 302, added.text[:2000]
    assert "Nyhetsbrev" in browser.get(a, added.headers["Location"]).text  # «was added»

    assert "Nyhetsbrev" in search_panel(browser.get(b, "/"))
    _assert_healthy(a, b)


def test_the_api_rate_limit_counts_the_requests_on_both_servers(servers):
    a, b = servers
    _token, secret = token_for(UserFactory(crm_access=True))
    headers = {"Authorization": f"Bearer {secret}"}

    answered = [
        requests.get(f"{server.url}/api/v1/categories", headers=headers, timeout=HTTP_TIMEOUT)
        for server in (a, b, a, b, a, b)
    ]

    assert [r.status_code for r in answered] == [200] * API_LIMIT + [429, 429]
    assert int(answered[-1].headers["Retry-After"]) >= 1
    _assert_healthy(a, b)


# --- the settings -------------------------------------------------------------------------


@pytest.fixture
def reloaded_base(monkeypatch):
    """crm.settings.base read again from the environment the test sets."""
    import crm.settings.base as base

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    yield lambda: importlib.reload(base)
    monkeypatch.undo()
    importlib.reload(base)


def test_with_redis_url_the_cache_is_redis_and_sessions_are_cached_in_it(
    monkeypatch, reloaded_base
):
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/2")
    base = reloaded_base()
    cache = base.CACHES["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["LOCATION"] == "redis://redis.internal:6379/2"
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("value", [None, ""])
def test_without_redis_url_each_process_has_its_own_cache_and_sessions_are_in_the_database(
    monkeypatch, reloaded_base, value
):
    if value is None:
        monkeypatch.delenv("REDIS_URL", raising=False)
    else:
        monkeypatch.setenv("REDIS_URL", value)  # the compose file passes it empty
    base = reloaded_base()
    assert base.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"
