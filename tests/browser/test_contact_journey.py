import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_new_contact_becomes_customer_and_is_linked_to_a_new_company(
    live_server, page, login, staff
):
    login(staff)
    main = page.locator("main")
    page.get_by_role("link", name="Ny kontakt").click()
    assert_accessible(page)
    main.get_by_label("Fornavn").fill("Solveig")
    main.get_by_label("Etternavn").fill("Thorhansen")
    main.get_by_label("E-post").fill("solveig@example.no")
    main.get_by_label("Mobil").fill("412 34 567")
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("heading", name="Solveig Thorhansen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Gi neste kundenummer")).click()
    expect(page.get_by_test_id("customer-number")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privatkunde")

    page.goto(page.url.split("?")[0] + "?saved=1")
    page.get_by_role("link", name="Knytt mot bedrift").click()
    main.get_by_label("Søk etter bedriften på navn").fill("Fjordlys")
    expect(page.get_by_text("Ingen bedrift passer med «Fjordlys».")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ny kunde").last.click()
    expect(main.get_by_role("textbox", name="Navn")).to_have_value("Fjordlys")
    main.get_by_role("textbox", name="Navn").fill("Fjordlys Regnskap AS")
    main.get_by_label("Organisasjonsnummer").fill("988 077 917")
    page.get_by_role("button", name="Lagre").click()

    main.get_by_label("Stilling").fill("Regnskapsfører")
    assert_accessible(page)
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("tab", name="Bedrifter")).to_have_attribute("aria-selected", "true")
    row = page.get_by_test_id("company-link")
    expect(row).to_contain_text("Fjordlys Regnskap AS")
    expect(row).to_contain_text("Regnskapsfører")
    assert_accessible(page)


def test_the_card_works_in_english_too(live_server, page, login, staff):
    login(staff)
    main = page.locator("main")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="New contact").click()
    main.get_by_label("Last name").fill("Berg")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Berg")).to_be_visible()
    expect(page.get_by_role("link", name="Link to company")).to_be_visible()
    page.goto(live_server.url + reverse("home"))


def test_customer_number_right_after_saving_keeps_the_offer_to_link_a_company(
    live_server, page, login, staff
):
    login(staff)
    main = page.locator("main")
    page.get_by_role("link", name="Ny kontakt").click()
    main.get_by_label("Fornavn").fill("Ragnhild")
    main.get_by_label("Etternavn").fill("Fjeld")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("link", name="Knytt mot bedrift")).to_be_visible()

    page.get_by_role("button", name=re.compile("Gi neste kundenummer")).click()
    expect(page.get_by_test_id("customer-number")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_role("link", name="Knytt mot bedrift")).to_be_visible()
    page.get_by_role("link", name="Knytt mot bedrift").click()
    expect(main.get_by_label("Søk etter bedriften på navn")).to_be_visible()
