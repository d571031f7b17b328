"""Deleting an appointment, a task, a note or a file leaves one line on the timelines it
belonged to: what was deleted, by whom, when. A private note's deletion is its author's
alone to see."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from history.models import Entry
from tests.activities.factories import AppointmentFactory, NoteFactory, TaskFactory
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.files.factories import FileLinkFactory, StoredFileFactory
from tests.history.lines import card_lines, company_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(staff):
    staff.first_name, staff.last_name = "Kari", "Nordmann"
    staff.save()
    return staff


def _deleted(verb):
    entry = Entry.objects.get(verb=verb)
    assert timezone.now() - entry.occurred_at < dt.timedelta(minutes=1)
    return entry


def test_deleting_an_appointment_is_one_line_on_each_card(staff_client, kari):
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    appointment = AppointmentFactory(
        title="Møte om tilbud", start_at=start, end_at=start + dt.timedelta(hours=1)
    )
    ola, kim = ContactFactory(), ContactFactory()
    appointment.contacts.set([ola, kim])
    response = staff_client.post(reverse("activities:appointment_delete", args=[appointment.pk]))
    assert response.status_code == 302
    line = "Kari Nordmann slettet avtalen «Møte om tilbud» (02.03.2026 10:00)"
    for contact in (ola, kim):
        assert card_lines(staff_client, contact)[-1] == line
        assert card_lines(staff_client, contact).count(line) == 1
    assert Entry.objects.filter(verb="activities.appointment_deleted").count() == 2


def test_deleting_a_task_is_a_line_on_the_card_and_the_company(staff_client, kari):
    company = CompanyFactory(name="Aune Handel DA")
    task = TaskFactory(title="Ring tilbake", company=company)
    contact = ContactFactory()
    task.contacts.set([contact])
    staff_client.post(reverse("activities:task_delete", args=[task.pk]))
    assert card_lines(staff_client, contact)[-1] == "Kari Nordmann slettet oppgaven «Ring tilbake»"
    assert company_lines(staff_client, company)[-1] == (
        "Kari Nordmann slettet oppgaven «Ring tilbake»"
    )


def test_deleting_a_note_names_it_and_its_deleter(staff_client, kari):
    note = NoteFactory(author=kari, text="Kunden vil ha nytt tilbud i mars")
    staff_client.post(reverse("activities:note_delete", args=[note.pk]))
    assert card_lines(staff_client, note.contact)[-1] == (
        "Kari Nordmann slettet et notat: «Kunden vil ha nytt tilbud i mars»"
    )
    assert _deleted("activities.note_deleted").actor == kari


def test_deleting_a_company_note_is_on_the_company(staff_client, kari):
    company = CompanyFactory()
    note = NoteFactory(author=kari, contact=None, company=company, text="Ny innkjøpssjef")
    staff_client.post(reverse("activities:note_delete", args=[note.pk]))
    assert company_lines(staff_client, company)[-1] == (
        "Kari Nordmann slettet et notat: «Ny innkjøpssjef»"
    )


def test_a_private_notes_deletion_is_seen_by_its_author_alone(
    client, staff_client, kari, other_staff, firm_admin
):
    note = NoteFactory(author=kari, private=True, text="Mistenker at de bytter leverandør")
    contact = note.contact
    staff_client.post(reverse("activities:note_delete", args=[note.pk]))
    assert card_lines(staff_client, contact)[-1] == (
        "Kari Nordmann slettet et privat notat: «Mistenker at de bytter leverandør»"
    )
    for someone in (other_staff, firm_admin):
        client.force_login(someone)
        assert not any("notat" in line for line in card_lines(client, contact))
    assert _deleted("activities.note_deleted").private_to == kari


def test_deleting_a_file_on_the_card_is_one_line(staff_client, kari):
    link = FileLinkFactory(file=StoredFileFactory(name="tilbud.pdf"))
    staff_client.post(reverse("files:delete", args=[link.file.pk]))
    lines = card_lines(staff_client, link.contact)
    assert lines[-1] == "Kari Nordmann slettet filen «tilbud.pdf»"
    assert lines.count("Kari Nordmann slettet filen «tilbud.pdf»") == 1


def test_deleting_a_file_on_a_company_is_on_the_company(staff_client, kari):
    company = CompanyFactory()
    link = FileLinkFactory(
        file=StoredFileFactory(name="avtale.pdf"), contact=None, company=company
    )
    staff_client.post(reverse("files:delete", args=[link.file.pk]))
    assert company_lines(staff_client, company)[-1] == "Kari Nordmann slettet filen «avtale.pdf»"


def test_removing_a_file_from_a_company_says_so(staff_client, kari):
    company = CompanyFactory()
    link = FileLinkFactory(
        file=StoredFileFactory(name="avtale.pdf"), contact=None, company=company
    )
    FileLinkFactory(file=link.file)  # also on a card: removing here keeps it there
    staff_client.post(reverse("files:link_delete", args=[link.pk]))
    assert company_lines(staff_client, company)[-1] == (
        "Kari Nordmann fjernet filen «avtale.pdf» fra bedriften"
    )


def test_deleting_in_django_admin_is_said_too(client, firm_admin):
    firm_admin.first_name, firm_admin.last_name = "Ada", "Admin"
    firm_admin.save()
    contact = ContactFactory()
    task = TaskFactory(title="Send faktura")
    task.contacts.set([contact])
    appointment = AppointmentFactory(title="Lunsj")
    appointment.contacts.set([contact])
    client.force_login(firm_admin)
    response = client.post(
        reverse("admin:activities_task_delete", args=[task.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:activities_appointment_changelist"),
        {"action": "delete_selected", "_selected_action": [appointment.pk], "post": "yes"},
    )
    assert response.status_code == 302
    lines = card_lines(client, contact)
    assert "Ada Admin slettet oppgaven «Send faktura»" in lines
    assert any(line.startswith("Ada Admin slettet avtalen «Lunsj»") for line in lines)
