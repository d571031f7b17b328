"""Duplicates in the browser (issue 18): a warning while typing leads to the existing
card; an administrator merges a pair from the list and undoes it from the history."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactEmailFactory, ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_warning_while_typing_opens_the_existing_card(live_server, page, login, staff):
    ContactFactory(first_name="Ola", last_name="Nordmann", mobile="+4741234567")
    login(staff)
    main = page.locator("main")
    page.get_by_role("link", name="Ny kontakt").click()
    main.get_by_label("Etternavn").fill("Nordmann")
    main.get_by_label("Mobil").fill("412 34 567")
    warning = page.get_by_test_id("lookalikes")
    expect(warning).to_contain_text("Dette kan allerede være registrert")
    expect(warning).to_contain_text("samme telefon")
    assert_accessible(page)
    warning.get_by_role("link", name="Ola Nordmann").click()
    expect(page.get_by_role("heading", name="Ola Nordmann")).to_be_visible()
    assert Contact.objects.count() == 1


def test_merge_from_the_list_and_undo_from_the_history(live_server, page, login, firm_admin):
    kept = ContactFactory(first_name="Kari", last_name="Nordmann", city="Oslo")
    other = ContactFactory(first_name="Kari", last_name="Nordman", city="Bergen")
    ContactEmailFactory(contact=kept, email="kari@example.no")
    ContactEmailFactory(contact=other, email="kari@example.no")
    login(firm_admin)
    page.get_by_role("link", name="Duplikater").first.click()
    page.get_by_test_id("find-duplicates").click()
    row = page.get_by_test_id("duplicate-pair")
    expect(row).to_contain_text("samme e-post")
    assert_accessible(page)
    row.get_by_role("link", name="Slå sammen").click()
    assert_accessible(page)
    page.get_by_test_id("take-city").check()
    page.get_by_test_id("merge-submit").click()
    expect(page.get_by_role("heading", name="Kari Nordmann")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Bergen")
    assert not Contact.objects.filter(pk=other.pk).exists()

    page.get_by_role("tab", name="Historikk").click()
    entry = page.locator('[data-verb="duplicates.merged"]')
    expect(entry).to_contain_text("slo sammen «Kari Nordman» med dette kortet")
    entry.get_by_role("link", name="Angre sammenslåingen").click()
    assert_accessible(page)
    page.get_by_test_id("undo-submit").click()
    expect(page.get_by_role("heading", name="Kari Nordman", exact=True)).to_be_visible()
    kept.refresh_from_db()
    assert kept.city == "Oslo"
    assert Contact.objects.get(pk=other.pk).emails.get().email == "kari@example.no"
