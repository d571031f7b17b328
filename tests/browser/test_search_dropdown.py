"""The search panel's typing dropdown and the phone layout, in a real browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SIZES = [
    pytest.param({"width": 1366, "height": 800}, id="laptop"),
    pytest.param({"width": 390, "height": 844}, id="phone"),
]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_field(page, size):
    """The search field, focused with `/` (which also unfolds the panel on a phone)."""
    page.locator("h1").first.click()  # the focus on the page, not in a field
    page.keyboard.press("/")
    field = page.get_by_role("combobox", name="Søk")
    expect(field).to_be_focused()
    return field


@pytest.mark.parametrize("size", SIZES)
def test_typing_shows_hits_arrows_and_enter_open_one(live_server, page, login, staff, size):
    for first in ["Kari", "Ola", "Per"]:
        ContactFactory(last_name="Hansen", first_name=first)
    ContactFactory(last_name="Olsen", first_name="Anne")
    page.set_viewport_size(size)
    login(staff)
    page.goto(
        live_server.url + reverse("contacts:detail", args=[ContactFactory(last_name="Berg").pk])
    )
    field = open_field(page, size)
    field.press_sequentially("hans", delay=30)

    listbox = page.get_by_role("listbox", name="Forslag")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(4)  # three hits and «Vis alle treff»
    expect(options.first).to_contain_text("Hansen, Kari")
    expect(options.first.locator("mark")).to_have_text("Hans")
    assert no_sideways_scroll(page)
    assert_accessible(page)

    field.press("ArrowDown")
    field.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    option_id = options.nth(1).get_attribute("id")
    expect(field).to_have_attribute("aria-activedescendant", option_id)
    field.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    field.press("Enter")
    expect(page.get_by_role("heading", name="Kari Hansen")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_escape_closes_and_enter_opens_the_full_hit_list(live_server, page, login, staff, size):
    ContactFactory(last_name="Hansen", first_name="Kari")
    ContactFactory(last_name="Johansen", first_name="Ola")
    page.set_viewport_size(size)
    login(staff)
    page.goto(live_server.url + reverse("home"))
    field = open_field(page, size)
    field.press_sequentially("hanse", delay=30)
    listbox = page.get_by_role("listbox", name="Forslag")
    expect(listbox).to_be_visible()

    field.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).to_be_focused()

    field.press("Enter")
    expect(page.get_by_test_id("hit-count")).to_contain_text("2 treff")
    hits = page.locator("#hit-list")
    expect(hits.locator("mark").first).to_have_text("hanse", ignore_case=True)
    assert no_sideways_scroll(page)
    assert_accessible(page)


def test_ctrl_k_focuses_the_field_even_from_another_field(live_server, page, login, staff):
    login(staff)
    page.goto(live_server.url + reverse("contacts:create"))
    page.get_by_label("Etternavn").focus()
    page.keyboard.press("Control+k")
    expect(page.get_by_role("combobox", name="Søk")).to_be_focused()


def test_an_empty_search_lists_contacts_and_a_page_change_shows_the_list_top(
    live_server, page, login, staff
):
    for i in range(60):
        ContactFactory(last_name=f"Navn{i:02d}")
    page.set_viewport_size({"width": 1366, "height": 800})
    login(staff)
    page.goto(live_server.url + reverse("search:results"))
    expect(page.get_by_test_id("all-listed")).to_be_visible()
    expect(page.locator("#hit-list tbody tr")).to_have_count(50)
    page.get_by_role("link", name="Neste").first.scroll_into_view_if_needed()
    page.get_by_role("link", name="Neste").first.click()
    expect(page.locator("#hit-list tbody tr")).to_have_count(10)
    top = page.evaluate("document.getElementById('hit-list').getBoundingClientRect().top")
    assert 0 <= top < 200


def test_on_a_phone_the_card_comes_first_and_the_panel_opens_behind_a_button(
    live_server, page, login, staff
):
    contact = ContactFactory(last_name="Berg", first_name="Kari")
    page.set_viewport_size({"width": 390, "height": 844})
    login(staff)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    field = page.get_by_role("combobox", name="Søk")
    expect(field).to_be_hidden()
    heading = page.get_by_role("heading", name="Kari Berg")
    assert heading.bounding_box()["y"] < 844  # on the first screen
    assert no_sideways_scroll(page)

    toggle = page.get_by_test_id("search-toggle")
    toggle.click()
    expect(field).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert no_sideways_scroll(page)
    assert_accessible(page)


def test_without_javascript_the_search_button_is_a_link_to_the_hit_list(
    live_server, browser, staff
):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.save()
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="nb-NO"
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("home"))
    page.get_by_test_id("search-toggle").click()
    page.wait_for_url("**/search/")
    expect(page.get_by_role("combobox", name="Søk")).to_be_visible()
    context.close()
