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
