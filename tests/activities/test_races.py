"""Status moves made by two people at the same moment, forced to collide (tests/races.py)."""

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Appointment, AppointmentStatus, Task, TaskStatus
from history.models import Entry
from tests.activities.factories import AppointmentFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)


def _meet_after_status_read(monkeypatch, parties=2):
    meet = Rendezvous(parties)
    # Called right after the old status is read, before anything is written.
    monkeypatch.setattr(services, "_check_transition", meet.before(services._check_transition))
    return meet


def _refused(outcome):
    return isinstance(outcome.error, ValidationError) and "status" in outcome.error.error_dict


def test_a_task_completed_twice_at_once_is_completed_once_on_the_timeline(monkeypatch):
    user, contact = UserFactory(), ContactFactory()
    task = services.task_create(actor=user, title="Ring kunden", contacts=[contact])
    meet = _meet_after_status_read(monkeypatch)

    def complete():
        return services.task_complete(task=Task.objects.get(pk=task.pk), actor=user)

    outcomes = race(meet, complete, complete)

    assert [o.error for o in outcomes] == [None, None]
    assert Entry.objects.filter(contact=contact, verb="activities.task_completed").count() == 1


def test_a_task_completed_and_cancelled_at_once_is_one_or_the_other(monkeypatch):
    user = UserFactory()
    task = services.task_create(actor=user, title="Ring kunden")
    meet = _meet_after_status_read(monkeypatch)

    def set_status(status):
        return lambda: services.task_update(
            task=Task.objects.get(pk=task.pk), actor=user, status=status
        )

    outcomes = race(meet, set_status(TaskStatus.DONE), set_status(TaskStatus.CANCELLED))

    # Done and cancelled cannot follow each other: the later click is refused.
    assert sorted(_refused(o) for o in outcomes) == [False, True]
    task.refresh_from_db()
    winner = TaskStatus.DONE if outcomes[0].error is None else TaskStatus.CANCELLED
    assert task.status == winner
    assert (task.completed_at is not None) == (winner == TaskStatus.DONE)


def test_an_appointment_marked_held_and_cancelled_at_once_is_one_or_the_other(monkeypatch):
    user, contact = UserFactory(), ContactFactory()
    appointment = AppointmentFactory()
    appointment.contacts.add(contact)
    meet = _meet_after_status_read(monkeypatch)

    def set_status(status):
        return lambda: services.appointment_update(
            appointment=Appointment.objects.get(pk=appointment.pk), actor=user, status=status
        )

    outcomes = race(
        meet, set_status(AppointmentStatus.HELD), set_status(AppointmentStatus.CANCELLED)
    )

    # A held meeting cannot be cancelled, nor a cancelled one held: one click is refused.
    assert sorted(_refused(o) for o in outcomes) == [False, True]
    appointment.refresh_from_db()
    winner = AppointmentStatus.HELD if outcomes[0].error is None else AppointmentStatus.CANCELLED
    assert appointment.status == winner
    changes = Entry.objects.filter(contact=contact, verb="activities.appointment_changed")
    assert [entry.data["changes"]["status"][1] for entry in changes] == [winner]
