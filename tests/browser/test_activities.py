import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.activities.factories import TaskFactory
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_new_appointment_from_the_card_shows_in_the_planner(live_server, page, login, staff):
    contact = ContactFactory(first_name="Ola", last_name="Nordmann")
    login(staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "appointments"]))
    page.get_by_role("tabpanel").get_by_role("link", name="Ny avtale").click()
    today = timezone.localdate()
    page.get_by_role("textbox", name="Tittel").fill("Kundemøte i nettleser")
    # The browser's date picker takes an ISO date.
    page.locator("input[name=start_date]").fill(today.isoformat())
    page.get_by_label("Fra", exact=True).fill("10:00")
    page.get_by_label("Til", exact=True).fill("11:00")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"**/contacts/{contact.pk}/appointments/")
    assert page.get_by_role("link", name="Kundemøte i nettleser", exact=True).is_visible()
    page.get_by_role("link", name="Planlegger").first.click()
    assert page.get_by_test_id("planner").get_by_text("Kundemøte i nettleser").is_visible()
    assert_accessible(page)


def test_task_done_and_filter_by_status(live_server, page, login, staff):
    contact = ContactFactory()
    login(staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "tasks"]))
    page.get_by_role("tabpanel").get_by_role("link", name="Ny oppgave").click()
    page.get_by_role("textbox", name="Tittel").fill("Send tilbud nå")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"**/contacts/{contact.pk}/tasks/")
    page.get_by_role("button", name="Ferdig Send tilbud nå").click()
    # Done tasks are not among the open ones shown by default.
    page.get_by_text("Ingen oppgaver med disse statusene.").wait_for()
    page.get_by_test_id("status-filter").get_by_label("Ferdig").check()
    page.get_by_role("cell", name="Send tilbud nå", exact=True).wait_for()
    page.reload()
    assert page.get_by_role("cell", name="Send tilbud nå", exact=True).is_visible()
    assert_accessible(page)


def test_private_note_is_hidden_from_another_user(live_server, page, login, staff, other_staff):
    contact = ContactFactory()
    TaskFactory()
    login(staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "notes"]))
    page.get_by_role("textbox", name="Notat").fill("Dette er hemmelig")
    page.get_by_label("Privat").check()
    page.get_by_role("button", name="Lagre notat").click()
    page.get_by_test_id("note-list").get_by_text("Dette er hemmelig").wait_for()
    page.get_by_role("button", name="Logg ut").click()
    login(other_staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "notes"]))
    assert page.get_by_text("Dette er hemmelig").count() == 0


def test_done_says_so_in_the_tab_and_undo_brings_the_task_back(live_server, page, login, staff):
    contact = ContactFactory()
    task = TaskFactory(title="Ring om kontrakten", status="waiting")
    task.contacts.add(contact)
    login(staff)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "tasks"]))
    page.get_by_role("button", name="Ferdig Ring om kontrakten").click()
    notice = page.get_by_test_id("task-notice")
    expect(notice).to_contain_text("Oppgaven «Ring om kontrakten» er merket ferdig.")
    expect(page.get_by_role("cell", name="Ring om kontrakten", exact=True)).to_have_count(0)
    assert_accessible(page)

    notice.get_by_role("button", name="Angre").click()
    expect(page.get_by_role("cell", name="Ring om kontrakten", exact=True)).to_be_visible()
    expect(page.get_by_test_id("task-list")).to_contain_text("Venter")  # as it was
    expect(page.get_by_test_id("task-notice")).to_contain_text("er åpen igjen")
    page.reload()
    expect(page.get_by_test_id("task-notice")).to_have_count(0)
    expect(page.get_by_role("cell", name="Ring om kontrakten", exact=True)).to_be_visible()
