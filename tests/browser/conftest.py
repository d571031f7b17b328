"""Browser tests: a real Chromium (Playwright) against Django's live server.

Every page a test visits can be checked with axe-core: ``assert_accessible(page)``
fails on serious or critical violations.
"""

import pytest
from django.urls import reverse

from tests.conftest import AXE

pytestmark = pytest.mark.browser


# Every WCAG 2.0–2.2 A/AA rule fails a test whatever its impact (minor included); axe's
# other rules (best practices) when serious or critical.
WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page):
    # A click leaves the pointer on its button, whose hover colours then fade in (a CSS
    # transition): axe would read them half-way, a contrast no state of the page has.
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => null)))"
    )
    # Under a CSP, a <script> tag would be refused; evaluate the source instead.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        v
        for v in result["violations"]
        if set(v["tags"]) & set(WCAG22AA) or v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in bad
    )


@pytest.fixture
def login(live_server, page):
    """Log a user in through the real login page."""

    def _login(user, password="pw-for-tests-1"):
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Brukernavn").fill(user.username)
        page.get_by_label("Passord").fill(password)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _login
