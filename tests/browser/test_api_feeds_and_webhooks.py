import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.activities.factories import AppointmentFactory
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_user_makes_a_calendar_link_and_a_new_one_ends_it(live_server, page, login, staff):
    AppointmentFactory(owner=staff, title="Kundemøte")
    login(staff)
    page.get_by_role("link", name="API-nøkler").click()
    feeds = page.get_by_test_id("calendar-feeds")
    feeds.get_by_role("button", name="Lag lenke").click()
    address = page.get_by_label("Dine avtaler").input_value()
    assert address.startswith(live_server.url + "/api/feeds/")
    assert_accessible(page)
    calendar = page.request.get(address)  # as a calendar program would, no sign-in needed
    assert calendar.status == 200
    [event] = Calendar.from_ical(calendar.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Kundemøte"
    page.get_by_test_id("calendar-feeds").get_by_role("button", name="Lag ny lenke").click()
    assert page.get_by_label("Dine avtaler").input_value() != address
    assert page.request.get(address).status == 404


def test_an_administrator_registers_a_webhook(live_server, page, login, firm_admin):
    login(firm_admin)
    page.goto(live_server.url + reverse("tokens:list"))
    page.get_by_role("link", name="Webhooker").click()
    page.get_by_role("link", name="Ny webhook").click()
    form = page.get_by_test_id("webhook-form")
    form.get_by_label("Navn").fill("Nettbutikk")
    form.get_by_label("Adresse (URL)").fill("https://butikk.example.no/crm")
    form.get_by_label("Kontakt opprettet").check()
    assert_accessible(page)
    page.get_by_role("button", name="Lagre").click()
    assert page.get_by_test_id("webhook-secret").input_value().startswith("whsec_")
    assert page.get_by_text("Ingenting sendt ennå.").is_visible()
    assert_accessible(page)
