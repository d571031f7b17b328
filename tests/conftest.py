import os
import shutil
from pathlib import Path

import pytest

from tests.crm.factories import UserFactory

# Playwright's sync API keeps an event loop in the main thread; Django's ORM would
# refuse to run next to it without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (remembered proofs, the panel's choices)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def postcode_register(db):
    """Posten's postcode register, loaded (tests.contacts.factories.load_postcode_register)."""
    from tests.contacts.factories import load_postcode_register

    load_postcode_register()


@pytest.fixture
def staff(db):
    """An office worker with CRM access."""
    return UserFactory(crm_access=True)


@pytest.fixture
def other_staff(db):
    return UserFactory(crm_access=True)


@pytest.fixture
def firm_admin(db):
    return UserFactory(crm_access=True, firm_admin=True)


@pytest.fixture
def no_access_user(db):
    """Signed in, but without CRM access."""
    return UserFactory(crm_access=False)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- the browser -----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "browser" / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {
        **browser_type_launch_args,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
    # Debian's Chromium where there is one; elsewhere `playwright install chromium`.
    if CHROMIUM:
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Headless Chromium asks for en-US; our users ask for Norwegian.
    return {**browser_context_args, "locale": "nb-NO", "timezone_id": "Europe/Oslo"}


# --- outbound connections --------------------------------------------------------------


@pytest.fixture
def listener():
    """A listening socket on loopback, to see whether anything connects to it."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    yield server
    server.close()


def was_contacted(server) -> bool:
    try:
        connection, _address = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


@pytest.fixture
def silent_port():
    """A loopback port whose listener never accepts and whose queue is full: a connection
    to it goes unanswered, like a port behind a firewall that drops packets."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    filler = socket.create_connection(server.getsockname(), timeout=1)
    yield server.getsockname()[1]
    filler.close()
    server.close()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: a connection to it is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- an S3 server -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3 server speaking the real HTTP API (moto's) on loopback for the whole session;
    port 0 lets the OS pick. Used by the file area's tests and the two-server test."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
