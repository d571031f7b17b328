"""The post town filled in as a Norwegian postcode is typed (htmx), and kept as typed abroad."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import Contact
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import load_postcode_register

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_typing_a_postcode_fills_the_post_town_and_the_contact_is_saved_with_it(
    live_server, page, login, staff
):
    load_postcode_register()
    login(staff)
    page.goto(live_server.url + reverse("contacts:create"))
    main = page.locator("main")
    expect(main.get_by_label("Land", exact=True)).to_have_value("NO")
    main.get_by_label("Etternavn").fill("Nordmann")
    main.get_by_label("Postnummer").press_sequentially("7010")
    town = main.get_by_label("Poststed")
    expect(town).to_have_value("TRONDHEIM")
    assert_accessible(page)

    # A new postcode moves the filled-in town along; a town typed by hand stays.
    main.get_by_label("Postnummer").fill("")
    main.get_by_label("Postnummer").press_sequentially("9008")
    expect(town).to_have_value("TROMSØ")
    town.fill("Tromsø sentrum")
    main.get_by_label("Postnummer").fill("")
    main.get_by_label("Postnummer").press_sequentially("9009")
    page.wait_for_load_state("networkidle")
    expect(town).to_have_value("Tromsø sentrum")

    town.fill("")
    main.get_by_label("Postnummer").fill("")
    main.get_by_label("Postnummer").press_sequentially("5003")
    expect(town).to_have_value("BERGEN")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="Nordmann")).to_be_visible()
    assert Contact.objects.get().city == "BERGEN"


def test_abroad_the_town_is_not_filled_and_the_address_is_kept(live_server, page, login, staff):
    load_postcode_register()
    login(staff)
    page.goto(live_server.url + reverse("contacts:create"))
    main = page.locator("main")
    main.get_by_label("Etternavn").fill("Lindqvist")
    main.get_by_label("Land", exact=True).select_option("SE")
    main.get_by_label("Postnummer").press_sequentially("111 51")
    page.wait_for_load_state("networkidle")
    expect(main.get_by_label("Poststed")).to_have_value("")
    main.get_by_label("Poststed").fill("Stockholm")
    main.get_by_label("Mobil").fill("070-123 45 67")
    page.get_by_role("button", name="Lagre").click()

    card = page.locator("address")
    expect(card).to_contain_text("111 51 Stockholm")
    expect(card).to_contain_text("Sverige")
    contact = Contact.objects.get()
    assert (contact.country, contact.mobile.as_e164) == ("SE", "+46701234567")
