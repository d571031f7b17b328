"""The one picker (contacts, companies, users, files): chosen ones stay chosen as chips across
searches, removals and a form error; «Hent fra systemet» keeps its ticks."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Appointment, Project, Task
from companies.models import CompanyLink
from contacts.models import Contact
from files.models import FileLink
from tests.browser.conftest import assert_accessible
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.files.factories import FileLinkFactory, StoredFileFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

FIND_PERSON = "Finn en person (skriv en del av navnet)"


def _people():
    arne = ContactFactory(first_name="Arne", last_name="Johansen")
    andrea = ContactFactory(first_name="Andrea", last_name="Thorsen")
    ContactFactory(first_name="Per", last_name="Johansen-Lie")
    return arne, andrea


def _pick(page, term, name):
    """Replace the search text with ``term`` and tick ``name`` among the results."""
    search = page.get_by_label(FIND_PERSON)
    search.fill(term)
    found = page.get_by_role("checkbox", name=name, exact=True)
    found.check()


FIND_USER = "Finn en bruker (skriv en del av navnet)"


def _colleagues():
    kari = UserFactory(first_name="Kari", last_name="Nordmann")
    ola = UserFactory(first_name="Ola", last_name="Hansen")
    return kari, ola


def _pick_user(page, term, name, role="checkbox"):
    page.get_by_label(FIND_USER).fill(term)
    page.get_by_role(role, name=name, exact=True).check()


def _chips(page):
    return page.get_by_test_id("picker-chip")


def _fill_appointment(page):
    page.get_by_role("textbox", name="Tittel").fill("Møte om avtalen")
    # The browser's date picker takes an ISO date.
    page.locator("input[name=start_date]").fill(timezone.localdate().isoformat())
    page.get_by_label("Fra", exact=True).fill("10:00")
    page.get_by_label("Til", exact=True).fill("11:00")


def test_new_appointment_keeps_people_picked_in_earlier_searches(live_server, page, login, staff):
    arne, andrea = _people()
    login(staff)
    page.goto(live_server.url + reverse("activities:appointment_create"))
    _fill_appointment(page)
    _pick(page, "johansen", "Arne Johansen")
    _pick(page, "thorsen", "Andrea Thorsen")
    assert _chips(page).filter(has_text="Arne Johansen").is_visible()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/planner/**")
    appointment = Appointment.objects.get(title="Møte om avtalen")
    assert set(appointment.contacts.all()) == {arne, andrea}


def test_new_task_keeps_people_picked_in_earlier_searches(live_server, page, login, staff):
    arne, andrea = _people()
    login(staff)
    page.goto(live_server.url + reverse("activities:task_create"))
    page.get_by_role("textbox", name="Tittel").fill("Ring begge")
    _pick(page, "johansen", "Arne Johansen")
    _pick(page, "thorsen", "Andrea Thorsen")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(live_server.url + reverse("home"))
    assert set(Task.objects.get(title="Ring begge").contacts.all()) == {arne, andrea}


def test_new_appointment_keeps_users_picked_in_two_searches(live_server, page, login, staff):
    kari, ola = _colleagues()
    login(staff)
    page.goto(live_server.url + reverse("activities:appointment_create"))
    _fill_appointment(page)
    picker = page.get_by_role("group", name="Deltakende brukere")
    assert picker.get_by_test_id("picker-chip").count() == 1  # the one who makes it
    assert picker.get_by_role("checkbox").count() == 0  # no list of every user
    _pick_user(page, "nordmann", "Kari Nordmann")
    _pick_user(page, "hansen", "Ola Hansen")
    assert picker.get_by_test_id("picker-chip").filter(has_text="Kari Nordmann").is_visible()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/planner/**")
    appointment = Appointment.objects.get(title="Møte om avtalen")
    assert set(appointment.participants.all()) == {staff, kari, ola}


def test_the_task_assignee_is_picked_by_search(live_server, page, login, staff):
    kari, _ola = _colleagues()
    login(staff)
    page.goto(live_server.url + reverse("activities:task_create"))
    page.get_by_role("textbox", name="Tittel").fill("Kari tar denne")
    assert page.get_by_role("combobox", name="Ansvarlig").count() == 0
    picker = page.get_by_role("group", name="Ansvarlig")
    _pick_user(page, "nordmann", "Kari Nordmann", role="radio")
    assert picker.get_by_test_id("picker-chip").count() == 1  # the new one replaced me
    assert picker.get_by_test_id("picker-chip").filter(has_text="Kari Nordmann").is_visible()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(live_server.url + reverse("home"))
    assert Task.objects.get(title="Kari tar denne").assignee == kari


def test_the_contact_owner_is_picked_by_search(live_server, page, login, staff):
    kari, _ola = _colleagues()
    login(staff)
    page.goto(live_server.url + reverse("contacts:create"))
    page.get_by_role("textbox", name="Etternavn").fill("Eiersen")
    assert page.get_by_role("combobox", name="Eier").count() == 0
    picker = page.get_by_role("group", name="Eier")
    _pick_user(page, "nordmann", "Kari Nordmann", role="radio")
    assert picker.get_by_test_id("picker-chip").count() == 1  # the new one replaced me
    assert picker.get_by_test_id("picker-chip").filter(has_text="Kari Nordmann").is_visible()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/contacts/*/?saved=1")
    assert Contact.objects.get(last_name="Eiersen").owner == kari


def test_a_form_error_keeps_the_user_chips(live_server, page, login, staff):
    kari, ola = _colleagues()
    login(staff)
    page.goto(live_server.url + reverse("activities:appointment_create"))
    _fill_appointment(page)
    page.get_by_role("textbox", name="Tittel").fill("")
    _pick_user(page, "nordmann", "Kari Nordmann")
    _pick_user(page, "hansen", "Ola Hansen")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("En avtale må ha en tittel.").wait_for()
    picker = page.get_by_role("group", name="Deltakende brukere")
    assert picker.get_by_test_id("picker-chip").filter(has_text="Kari Nordmann").is_visible()
    assert picker.get_by_test_id("picker-chip").filter(has_text="Ola Hansen").is_visible()
    page.get_by_role("textbox", name="Tittel").fill("Nå med tittel")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/planner/**")
    appointment = Appointment.objects.get(title="Nå med tittel")
    assert set(appointment.participants.all()) == {staff, kari, ola}


def test_new_project_has_one_participant_picker_that_keeps_earlier_picks(
    live_server, page, login, staff
):
    arne, andrea = _people()
    ContactFactory.create_batch(5, last_name="Listeboks")  # no second «Arne Johansen»
    login(staff)
    page.goto(live_server.url + reverse("activities:project_create"))
    # One «Deltakere» control, and no list box of every contact in the register.
    assert page.get_by_role("listbox").count() == 0
    assert page.get_by_role("group", name="Deltakere").count() == 1
    page.get_by_role("textbox", name=re.compile(r"^Navn")).fill("Takprosjektet")
    _pick(page, "johansen", "Arne Johansen")
    _pick(page, "thorsen", "Andrea Thorsen")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/projects/*/")
    assert set(Project.objects.get(name="Takprosjektet").participants.all()) == {arne, andrea}


def test_a_removed_chip_is_not_saved(live_server, page, login, staff):
    arne, andrea = _people()
    login(staff)
    page.goto(live_server.url + reverse("activities:task_create"))
    page.get_by_role("textbox", name="Tittel").fill("Bare Andrea")
    _pick(page, "johansen", "Arne Johansen")
    _pick(page, "thorsen", "Andrea Thorsen")
    page.get_by_role("button", name="Fjern Arne Johansen").click()
    assert _chips(page).filter(has_text="Arne Johansen").count() == 0
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(live_server.url + reverse("home"))
    assert list(Task.objects.get(title="Bare Andrea").contacts.all()) == [andrea]


def test_a_form_error_keeps_the_chips_and_the_fixed_form_saves_them(
    live_server, page, login, staff
):
    arne, andrea = _people()
    company = CompanyFactory(name="Fjordkraft Testbedrift")
    login(staff)
    page.goto(live_server.url + reverse("activities:appointment_create"))
    _fill_appointment(page)
    page.get_by_role("textbox", name="Tittel").fill("")
    _pick(page, "johansen", "Arne Johansen")
    _pick(page, "thorsen", "Andrea Thorsen")
    page.get_by_label("Finn en bedrift (skriv en del av navnet)").fill("fjordkraft")
    page.get_by_role("radio", name="Fjordkraft Testbedrift").check()
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("En avtale må ha en tittel.").wait_for()
    assert _chips(page).filter(has_text="Arne Johansen").is_visible()
    assert _chips(page).filter(has_text="Andrea Thorsen").is_visible()
    assert _chips(page).filter(has_text="Fjordkraft Testbedrift").is_visible()
    page.get_by_role("textbox", name="Tittel").fill("Nå med tittel")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url("**/planner/**")
    appointment = Appointment.objects.get(title="Nå med tittel")
    assert set(appointment.contacts.all()) == {arne, andrea}
    assert appointment.company == company


def test_pick_from_the_system_keeps_the_tick_when_the_list_refetches(
    live_server, page, login, staff
):
    place = ContactFactory()
    wanted = FileLinkFactory(file=StoredFileFactory(name="kontrakt-fjord.pdf"))
    FileLinkFactory(file=StoredFileFactory(name="kontrakt-annen.pdf"))
    login(staff)
    page.goto(live_server.url + reverse("files:pick", args=["contact", place.pk]))
    search = page.get_by_label("Søk på filnavn eller hvor filen ligger")
    search.fill("kontrakt")
    page.get_by_test_id("pick-row").filter(has_text="kontrakt-annen.pdf").wait_for()
    # Ticking leaves the search field, which fires `change`: the list is fetched again.
    with page.expect_response(lambda r: "/pick/" in r.url and "q=kontrakt" in r.url):
        page.get_by_role("checkbox", name="kontrakt-fjord.pdf").check()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("checkbox", name="kontrakt-fjord.pdf")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Koble hit").click()
    page.wait_for_url(f"**/contacts/{place.pk}/files/")
    assert FileLink.objects.filter(contact=place, file=wanted.file).exists()
    assert FileLink.objects.filter(contact=place).count() == 1


def test_the_picker_is_usable_on_a_phone(live_server, page, login, staff):
    arne, andrea = _people()
    page.set_viewport_size({"width": 390, "height": 844})
    login(staff)
    page.goto(live_server.url + reverse("activities:task_create"))
    page.get_by_role("textbox", name="Tittel").fill("Fra mobilen")
    _pick(page, "johansen", "Arne Johansen")
    _pick(page, "thorsen", "Andrea Thorsen")
    remove = page.get_by_role("button", name="Fjern Arne Johansen")
    remove.scroll_into_view_if_needed()
    box = remove.bounding_box()
    # A remove button a thumb can hit, inside the screen; the page does not scroll sideways.
    assert box["width"] >= 24 and box["height"] >= 24
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    remove.click()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(live_server.url + reverse("home"))
    assert list(Task.objects.get(title="Fra mobilen").contacts.all()) == [andrea]


def test_link_to_company_keeps_the_company_picked_before_another_search(
    live_server, page, login, staff
):
    contact = ContactFactory()
    havbruk = CompanyFactory(name="Havbruk Nord AS")
    CompanyFactory(name="Fjordlys AS")
    login(staff)
    page.goto(live_server.url + reverse("companies:link_company", args=[contact.pk]))
    search = page.get_by_label("Søk etter bedriften på navn")
    search.fill("havbruk")
    page.get_by_role("radio", name=re.compile("^Havbruk Nord AS")).check()
    search.fill("fjordlys")
    page.get_by_role("radio", name=re.compile("^Fjordlys AS")).wait_for()
    assert _chips(page).filter(has_text="Havbruk Nord AS").is_visible()
    page.get_by_role("button", name="Legg til").click()
    page.get_by_label("Stilling").wait_for()
    assert CompanyLink.objects.get(contact=contact).company == havbruk
