import os
import shutil
from pathlib import Path

import pytest

from tests.factories import UserFactory

# Playwright's sync API keeps an event loop in the main thread; Django's ORM would
# refuse to run next to it without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
