"""«Ny kunde» filled in from the company register: type a name, pick a unit, save."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from companies.models import Company
from tests.browser.conftest import assert_accessible
from tests.companies.register_stub import MAIN, register_server  # noqa: F401  (a fixture)
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_type_a_name_pick_a_unit_and_the_form_is_filled(live_server, page, login, register_server):  # noqa: F811
    login(UserFactory(crm_access=True))
    page.goto(live_server.url + reverse("companies:create"))
    page.get_by_role("textbox", name="Telefon").fill(
        "22 33 44 55"
    )  # typed before the search: kept
    page.get_by_role("searchbox", name="Navn eller organisasjonsnummer").fill("nordlys")
    hits = page.get_by_test_id("register-hits")
    expect(hits).to_contain_text("NORDLYS BYGG AS")
    expect(hits).to_contain_text("Konkurs")  # the bankrupt one says so
    assert_accessible(page)

    # A main unit's branches come in under the search.
    hits.get_by_role("link", name="Underenheter").first.click()
    expect(page.locator("#register-results")).to_contain_text("NORDLYS BYGG AS AVD TROMSØ")
    page.get_by_role("searchbox", name="Navn eller organisasjonsnummer").fill("nordlys bygg")
    page.get_by_role("searchbox", name="Navn eller organisasjonsnummer").fill("nordlys")
    expect(hits).to_contain_text("NORDLYS KONKURSBO AS")

    hits.get_by_role("link", name="Bruk NORDLYS BYGG AS").click()
    expect(page.get_by_role("textbox", name="Navn")).to_have_value("NORDLYS BYGG AS")
    expect(page.get_by_role("textbox", name="Organisasjonsnummer")).to_have_value(MAIN)
    expect(page.get_by_role("textbox", name="Postnummer")).to_have_value("5804")
    expect(page.get_by_role("textbox", name="Telefon")).to_have_value("22 33 44 55")
    expect(
        page.get_by_role("status").filter(has_text="Fylt ut fra Enhetsregisteret")
    ).to_be_visible()
    assert "/companies/new/" in page.url  # filled in place, not a new page

    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(lambda url: "/companies/new/" not in url)
    company = Company.objects.get()
    assert company.org_number == MAIN and company.organisation_form == "AS"
    register = page.get_by_test_id("company-register")
    expect(register).to_contain_text("Aksjeselskap (AS)")
    expect(register).to_contain_text("41.200 Oppføring av bygninger")
    expect(register.get_by_test_id("register-checked")).to_contain_text("Sist sjekket")
    assert_accessible(page)
