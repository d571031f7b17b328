import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.models import AppointmentStatus, Note, TaskStatus
from history.models import Entry
from tests.activities.factories import AppointmentFactory, ProjectFactory, TaskFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _now():
    return timezone.now().replace(microsecond=0)


def test_appointment_end_must_be_after_start(staff):
    start = _now()
    with pytest.raises(ValidationError):
        services.appointment_create(actor=staff, title="Møte", start_at=start, end_at=start)


def test_appointment_created_is_on_each_contacts_timeline(staff):
    a, b = ContactFactory(), ContactFactory()
    start = _now()
    appointment = services.appointment_create(
        actor=staff,
        title="Møte",
        start_at=start,
        end_at=start + dt.timedelta(hours=1),
        contacts=[a, b],
    )
    assert appointment.owner == staff
    verbs = set(
        Entry.objects.filter(verb="activities.appointment_created").values_list(
            "contact_id", flat=True
        )
    )
    assert verbs == {a.pk, b.pk}


def test_appointment_change_records_old_and_new(staff):
    contact = ContactFactory()
    appointment = AppointmentFactory(title="Før")
    appointment.contacts.add(contact)
    services.appointment_update(appointment=appointment, actor=staff, title="Etter")
    entry = Entry.objects.get(verb="activities.appointment_changed")
    assert entry.data["changes"] == {"title": ["Før", "Etter"]}


def test_held_appointment_cannot_be_cancelled(staff):
    appointment = AppointmentFactory(status=AppointmentStatus.HELD)
    with pytest.raises(ValidationError) as error:
        services.appointment_update(
            appointment=appointment, actor=staff, status=AppointmentStatus.CANCELLED
        )
    assert "status" in error.value.error_dict


def test_task_due_time_needs_a_due_date(staff):
    with pytest.raises(ValidationError):
        services.task_create(actor=staff, title="Ring", due_time=dt.time(10))


def test_completing_a_task_sets_completed_and_records_it(staff):
    contact = ContactFactory()
    task = services.task_create(actor=staff, title="Ring", contacts=[contact])
    services.task_complete(task=task, actor=staff)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_at is not None
    assert Entry.objects.filter(verb="activities.task_completed", contact=contact).exists()


def test_cancelled_task_cannot_be_completed(staff):
    task = TaskFactory(status=TaskStatus.CANCELLED)
    with pytest.raises(ValidationError):
        services.task_complete(task=task, actor=staff)


def test_done_task_can_be_reopened(staff):
    task = TaskFactory(status=TaskStatus.DONE, completed_at=_now())
    services.task_update(task=task, actor=staff, status=TaskStatus.IN_PROGRESS)
    task.refresh_from_db()
    assert task.completed_at is None


def test_private_note_history_entry_is_private_to_the_author(staff):
    contact = ContactFactory()
    services.note_create(author=staff, text="Hemmelig", private=True, contact=contact)
    entry = Entry.objects.get(verb="activities.note_written")
    assert entry.private_to == staff


def test_making_a_note_private_later_hides_its_history_entry(staff):
    contact = ContactFactory()
    note = services.note_create(author=staff, text="Åpent", contact=contact)
    services.note_update(note=note, text="Nå privat", private=True)
    assert Entry.objects.get(verb="activities.note_written").private_to == staff


def test_note_needs_exactly_one_home(staff):
    with pytest.raises(ValidationError):
        services.note_create(
            author=staff, text="x", contact=ContactFactory(), project=ProjectFactory()
        )
    with pytest.raises(ValidationError):
        services.note_create(author=staff, text="x")


def test_company_note_contact_persons_must_work_there(staff):
    company = CompanyFactory()
    with pytest.raises(ValidationError):
        services.note_create(
            author=staff, text="x", company=company, contact_persons=[ContactFactory()]
        )


def test_company_note_shows_on_contact_persons_card(staff):
    link = CompanyLinkFactory()
    note = services.note_create(
        author=staff, text="Fra firma", company=link.company, contact_persons=[link.contact]
    )
    assert list(Note.objects.for_contact(link.contact)) == [note]


def test_project_note_shows_on_each_participants_card(staff):
    a, b = ContactFactory(), ContactFactory()
    project = services.project_create(name="Nytt kontor", participants=[a, b])
    note = services.note_create(author=staff, text="Status", project=project)
    assert list(Note.objects.for_contact(a)) == [note]
    assert list(Note.objects.for_contact(b)) == [note]
    assert Entry.objects.filter(verb="activities.note_written").count() == 2


def test_undoing_done_restores_even_waiting_and_records_the_reopening(staff):
    contact = ContactFactory()
    task = services.task_create(
        actor=staff, title="Ring", contacts=[contact], status=TaskStatus.WAITING
    )
    services.task_complete(task=task, actor=staff)
    services.task_reopen(task=task, actor=staff, status=TaskStatus.WAITING)
    task.refresh_from_db()
    assert task.status == TaskStatus.WAITING and task.completed_at is None
    verbs = set(Entry.objects.filter(contact=contact).values_list("verb", flat=True))
    assert {"activities.task_completed", "activities.task_reopened"} <= verbs


def test_undoing_done_refuses_a_task_that_is_not_done(staff):
    task = TaskFactory(status=TaskStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.task_reopen(task=task, actor=staff, status=TaskStatus.NOT_STARTED)
