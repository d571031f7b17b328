"""The card and the start page in a real browser (#19): axe-core with the WCAG 2.2 AA tags
failing on every impact level, no sideways scroll at phone width, the details grid never
overlapping, and «Ny notat»/«Ny oppgave» added without leaving the card."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contacts.recently_viewed import record_view
from tests.activities.factories import AppointmentFactory, NoteFactory, TaskFactory
from tests.browser.conftest import assert_accessible
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, ContactFactory
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SIZES = {"desktop": (1366, 800), "phone": (390, 844)}


def assert_no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"scrollWidth {width[0]} > innerWidth {width[1]}"


@pytest.fixture
def user(db):
    return UserFactory(crm_access=True, first_name="Siri", last_name="Saksbehandler")


@pytest.fixture
def full_contact(user):
    contact = ContactFactory(
        first_name="Kari",
        last_name="Nordmann-Langnavn",
        owner=user,
        customer_number=100234,
        mobile="+4791234567",
        work_phone="+4722334455",
        street_address="Storgata 1",
        postcode="0155",
        city="Oslo",
        website="https://example.no",
        notes="Foretrekker telefon.",
    )
    ContactEmailFactory(contact=contact, email="kari.nordmann.med.langt.navn@example.no")
    contact.categories.add(CategoryFactory(name="VIP"), CategoryFactory(name="Leverandør"))
    CompanyLinkFactory(
        contact=contact, company=CompanyFactory(name="Fjord AS"), position="Innkjøper"
    )
    NoteFactory.create_batch(2, contact=contact, author=user)
    return contact


@pytest.mark.parametrize("size", SIZES)
def test_card_passes_axe_and_fits_the_width(live_server, login, user, full_contact, size):
    page = login(user)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(live_server.url + full_contact.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kari Nordmann-Langnavn")
    expect(page.get_by_test_id("current-company")).to_contain_text("Fjord AS")
    expect(page.get_by_role("tab", name="Notater", exact=True)).to_have_accessible_description("2")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("tab", name="Aktivitet").click()
    expect(page.get_by_test_id("timeline")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [1024, 1366, 1920])
def test_card_details_never_overlap(live_server, login, user, full_contact, width):
    page = login(user)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + full_contact.get_absolute_url())
    label = page.locator("#customer-number .card-fact-label").bounding_box()
    value = page.get_by_test_id("customer-number").bounding_box()
    assert label["x"] + label["width"] <= value["x"]
    # Every field of the grid: the label sits above its value, inside its own cell.
    boxes = page.locator(".contact-field").evaluate_all(
        "cells => cells.map(c => { const r = c.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })"
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, f"{a} overlaps {b}"
    # A phone number stays on one line.
    phone = page.locator("a.phone").first
    assert phone.evaluate("a => a.getClientRects().length") == 1


@pytest.mark.parametrize("size", SIZES)
def test_start_page_passes_axe_and_fits_the_width(live_server, login, user, size):
    contact = ContactFactory(first_name="Ola", last_name="Sett")
    record_view(user=user, obj=contact)
    record_view(user=user, obj=CompanyFactory(name="Besøkt AS"))
    TaskFactory(
        title="Ring Ola", assignee=user, due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    start = timezone.now() + dt.timedelta(hours=1)
    AppointmentFactory(
        title="Kundemøte", owner=user, start_at=start, end_at=start + dt.timedelta(hours=1)
    )
    page = login(user)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_test_id("home-tasks")).to_contain_text("Ring Ola")
    expect(page.get_by_test_id("home-viewed")).to_contain_text("Ola Sett")
    expect(page.get_by_test_id("home-viewed")).to_contain_text("Besøkt AS")
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_empty_start_page_passes_axe(live_server, login, user):
    page = login(user)
    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_test_id("home-viewed")).to_contain_text("Kortene og firmaene du åpner")
    assert_accessible(page)


def test_new_note_is_added_without_leaving_the_card(live_server, login, user, full_contact):
    page = login(user)
    page.goto(live_server.url + full_contact.get_absolute_url())
    card_url = page.url
    page.get_by_role("link", name="Ny notat").click()
    expect(page.locator("#tab-panel")).to_have_attribute("data-active-tab", "notes")
    page.locator("#id_text").fill("Avtalt befaring neste uke")
    page.get_by_role("button", name="Lagre notat").click()
    expect(page.get_by_test_id("note-list")).to_contain_text("Avtalt befaring neste uke")
    assert page.url.startswith(card_url.rstrip("/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kari Nordmann-Langnavn")


def test_new_task_opens_and_saves_on_the_card(live_server, login, user, full_contact):
    page = login(user)
    page.goto(live_server.url + full_contact.get_absolute_url())
    page.get_by_role("link", name="Ny oppgave").click()
    form = page.locator("#card-quick-form form")
    expect(form).to_be_visible()
    form.locator("#id_title").fill("Send tilbud")
    form.get_by_role("button", name="Lagre").click()
    expect(page.locator("#tab-panel")).to_have_attribute("data-active-tab", "tasks")
    expect(page.locator("#tab-panel")).to_contain_text("Send tilbud")
    expect(page.locator("#card-quick-form form")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kari Nordmann-Langnavn")
