"""The tab strip of the contact card, the company page and the project page: the open
tab is marked for eyes (``active``) and screen readers (``aria-selected``, roving
``tabindex``) however it was opened, and arrow keys move between tabs (WAI-ARIA tabs)."""

import contextlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.activities.factories import ProjectFactory
from tests.browser.conftest import assert_accessible
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# (page, the tab a bare page opens, another tab, the tab after the first)
PAGES = {
    "contact": (
        lambda: reverse("contacts:detail", args=[ContactFactory().pk]),
        ("Bedrifter", "companies"),
        ("Notater", "notes"),
        ("Avtaler", "appointments"),
    ),
    "company": (
        lambda: reverse("companies:detail", args=[CompanyFactory().pk]),
        ("Personer", "people"),
        ("Notater", "notes"),
        ("Notater", "notes"),
    ),
    "project": (
        lambda: reverse("activities:project_detail", args=[ProjectFactory().pk]),
        ("Deltakere", "participants"),
        ("Notater", "notes"),
        ("Notater", "notes"),
    ),
}


def expect_open_tab(page, name, slug):
    """Exactly one tab is marked, it is the one named, and the panel shows its content."""
    expect(page.locator("#tab-panel")).to_have_attribute("data-active-tab", slug)
    tab = page.get_by_role("tab", name=name, exact=True)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(tab).to_have_class(re.compile(r"(^|\s)active(\s|$)"))
    expect(tab).to_have_attribute("tabindex", "0")
    strip = page.get_by_role("tablist")
    expect(strip.locator('[role="tab"][aria-selected="true"]')).to_have_count(1)
    expect(strip.locator('[role="tab"].active')).to_have_count(1)
    # Roving tabindex: Tab reaches the strip once, on the open tab.
    expect(strip.locator('[role="tab"]:not([tabindex="-1"])')).to_have_count(1)
    expect(page.get_by_role("tabpanel", name=name, exact=True)).to_be_visible()


def mark_page(page):
    """Set a flag a full page load would wipe, to prove a switch went through htmx."""
    page.evaluate("window.__samePage = true")


def expect_same_page(page):
    assert page.evaluate("window.__samePage === true"), "the tab switch reloaded the page"


@pytest.mark.parametrize("kind", PAGES)
def test_clicked_tab_is_marked_open_after_htmx_swaps_it_in(live_server, page, login, staff, kind):
    url, first, other, _ = PAGES[kind]
    login(staff)
    page.goto(live_server.url + url())
    expect_open_tab(page, *first)
    mark_page(page)

    page.get_by_role("tab", name=other[0], exact=True).click()

    expect_open_tab(page, *other)
    expect(page).to_have_url(re.compile(rf"/{other[1]}/$"))
    expect_same_page(page)
    assert_accessible(page)


@pytest.mark.parametrize("kind", PAGES)
def test_back_and_forward_move_the_mark_with_the_panel(live_server, page, login, staff, kind):
    url, first, other, _ = PAGES[kind]
    login(staff)
    page.goto(live_server.url + url())
    page.get_by_role("tab", name=other[0], exact=True).click()
    expect_open_tab(page, *other)

    page.go_back()
    expect_open_tab(page, *first)
    page.go_forward()
    expect_open_tab(page, *other)


def test_back_without_a_stored_snapshot_brings_back_the_whole_card(
    live_server, page, login, staff
):
    """htmx asks the server for the page when its history cache lacks it (full storage, a
    cleared cache): the answer must be the whole card, not the lone tab panel."""
    contact = ContactFactory(first_name="Ragnhild", last_name="Ås")
    login(staff)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    page.get_by_role("tab", name="Notater", exact=True).click()
    expect_open_tab(page, "Notater", "notes")
    page.get_by_role("tab", name="Oppgaver", exact=True).click()
    expect_open_tab(page, "Oppgaver", "tasks")
    # Pages are never kept in the browser's storage (historyCacheSize 0): on a shared office
    # PC, what a card showed must not be there to go back to after logging out. So going back
    # always asks the server.
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None

    page.go_back()

    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect_open_tab(page, "Notater", "notes")
    expect(page.get_by_role("heading", level=1, name="Ragnhild Ås")).to_be_visible()
    expect(page.locator("#tab-panel")).to_have_count(1)


def test_tab_url_loaded_directly_marks_its_tab(live_server, page, login, staff):
    contact = ContactFactory()
    login(staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "notes"]))
    expect_open_tab(page, "Notater", "notes")
    assert_accessible(page)


def test_arrow_keys_home_and_end_move_focus_and_open_the_tab(live_server, page, login, staff):
    contact = ContactFactory()
    login(staff)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    tabs = page.get_by_role("tab")
    # The label without the count beside it (which is the tab's description, not its name).
    last_name = re.sub(r"\s*\d+$", "", tabs.last.inner_text().strip())
    last_slug = tabs.last.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    page.get_by_role("tab", name="Bedrifter", exact=True).focus()
    mark_page(page)

    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Avtaler", exact=True)).to_be_focused()
    expect_open_tab(page, "Avtaler", "appointments")

    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Bedrifter", exact=True)).to_be_focused()
    expect_open_tab(page, "Bedrifter", "companies")

    page.keyboard.press("ArrowLeft")  # wraps round to the last tab
    expect(tabs.last).to_be_focused()
    expect_open_tab(page, last_name, last_slug)

    page.keyboard.press("Home")
    expect(tabs.first).to_be_focused()
    expect_open_tab(page, "Bedrifter", "companies")

    # Tab leaves the strip for the panel rather than walking through every tab.
    page.keyboard.press("Tab")
    expect(page.locator("#tab-panel")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(tabs.first).to_be_focused()

    page.keyboard.press("End")
    expect(tabs.last).to_be_focused()
    expect_open_tab(page, last_name, last_slug)

    # Keys pressed faster than the panels arrive: the last one wins, even when a panel the
    # user moved past answers after it (held back here until «Notater» is open).
    held = []
    page.route(re.compile(r"/appointments/$"), lambda route: held.append(route))
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Notater", exact=True)).to_be_focused()
    expect_open_tab(page, "Notater", "notes")
    assert held, "the passed-over tab was never asked for"
    for route in held:
        with contextlib.suppress(PlaywrightError):  # the browser has given up on it
            route.continue_()
    page.wait_for_timeout(500)  # time for a late panel to land, if it were let in
    expect_open_tab(page, "Notater", "notes")
    expect_same_page(page)


def test_tab_switches_raise_no_content_security_policy_errors(live_server, page, login, staff):
    """htmx injects a <style> for its indicators unless told not to (the htmx-config meta
    in base.html); the CSP refuses it with a console error after every swap."""
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    contact = ContactFactory()
    login(staff)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    for name, slug in [("Notater", "notes"), ("Oppgaver", "tasks"), ("Historikk", "history")]:
        page.get_by_role("tab", name=name, exact=True).click()
        expect_open_tab(page, name, slug)
    page.go_back()
    expect_open_tab(page, "Oppgaver", "tasks")
    page.get_by_role("tab", name="Oppgaver", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect_open_tab(page, "Notater", "notes")

    violations = [m for m in messages if "Content Security Policy" in m or "violates" in m]
    assert not violations, violations
