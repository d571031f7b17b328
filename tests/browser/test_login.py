import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_staff_logs_in_and_reaches_the_crm_home_in_norwegian(live_server, page, login, staff):
    page.goto(live_server.url + reverse("home"))
    assert "/accounts/login/" in page.url
    assert_accessible(page)
    login(staff)
    assert page.url == live_server.url + reverse("home")
    assert page.get_by_role("link", name="Ny kontakt").is_visible()
    assert page.locator("html").get_attribute("lang") == "nb"
    assert_accessible(page)


def test_wrong_password_shows_a_clear_message(live_server, page, staff):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Brukernavn").fill(staff.username)
    page.get_by_label("Passord").fill("wrong")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_text("Vennligst oppgi korrekt brukernavn og passord").is_visible()


def test_pages_fit_a_phone_screen_and_the_menu_folds(live_server, page, login, staff):
    page.set_viewport_size({"width": 375, "height": 740})
    login(staff)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    toggler = page.get_by_role("button", name="Vis meny")
    assert toggler.is_visible()
    toggler.click()
    page.get_by_role("button", name="Logg ut").wait_for(state="visible")
    assert_accessible(page)


def test_keyboard_users_can_skip_to_the_content(live_server, page, login, staff):
    login(staff)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til innholdet")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
