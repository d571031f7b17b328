"""Writes on appointments, tasks, notes and projects, with their history entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    APPOINTMENT_TRANSITIONS,
    TASK_TRANSITIONS,
    Appointment,
    AppointmentStatus,
    Note,
    Project,
    Task,
    TaskStatus,
)


def _record(
    *,
    contact_ids: Iterable[int],
    company_id: int | None = None,
    verb: str,
    actor,
    data: dict,
    target,
    private_to=None,
):
    """One entry on the timeline of each contact and of the company, if any."""
    try:
        from history.services import history_record_many
    except ImportError:  # the history app is optional for this one
        return
    owners = [{"contact": contact_id} for contact_id in sorted(set(contact_ids))]
    if company_id is not None:
        owners.append({"company": company_id})
    entry = {
        "verb": verb,
        "actor": actor,
        "actor_label": "" if actor else "system",
        "data": data,
        "target": target,
        "private_to": private_to,
    }
    history_record_many(records=[{**owner, **entry} for owner in owners])


def _show(value) -> str | int | bool | None:
    """A JSON-safe, human-readable form of a field value for the timeline."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _changes(old: dict, new: dict) -> dict:
    return {name: [_show(old[name]), _show(new[name])] for name in new if old[name] != new[name]}


def _check_transition(transitions, old: str, new: str, choices) -> None:
    if old != new and new not in transitions.get(old, set()):
        raise ValidationError(
            {
                "status": _("A %(old)s item cannot be set to %(new)s.")
                % {"old": choices(old).label.lower(), "new": choices(new).label.lower()}
            },
            code="bad_transition",
        )


# --- projects --------------------------------------------------------------------------


@transaction.atomic
def project_create(*, name: str, participants: Iterable = (), **fields) -> Project:
    project = Project(name=name, **fields)
    project.full_clean()
    project.save()
    project.participants.set(participants)
    return project


@transaction.atomic
def project_update(*, project: Project, participants: Iterable | None = None, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if participants is not None:
        project.participants.set(participants)
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    project.delete()


# --- appointments ----------------------------------------------------------------------

APPOINTMENT_FIELDS = ["title", "start_at", "end_at", "all_day", "location", "description"]


@transaction.atomic
def appointment_create(
    *,
    actor,
    title: str,
    start_at,
    end_at,
    contacts: Iterable = (),
    participants: Iterable = (),
    owner=None,
    **fields,
) -> Appointment:
    appointment = Appointment(
        title=title, start_at=start_at, end_at=end_at, owner=owner or actor, **fields
    )
    appointment.full_clean()
    appointment.save()
    contacts = list(contacts)
    appointment.contacts.set(contacts)
    appointment.participants.set(participants)
    _record(
        contact_ids=[c.pk for c in contacts],
        company_id=appointment.company_id,
        verb="activities.appointment_created",
        actor=actor,
        data={"title": appointment.title, "start": _show(appointment.start_at)},
        target=appointment,
    )
    return appointment


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    actor,
    contacts: Iterable | None = None,
    participants: Iterable | None = None,
    **fields,
) -> Appointment:
    # The row lock makes a second status change wait for the first and then check its move
    # from the status the first left (held and cancelled at once: one is refused).
    old_status = Appointment.objects.select_for_update().get(pk=appointment.pk).status
    old = {name: getattr(appointment, name) for name in fields}
    if "status" in fields:
        _check_transition(APPOINTMENT_TRANSITIONS, old_status, fields["status"], AppointmentStatus)
        old["status"] = old_status
    for name, value in fields.items():
        setattr(appointment, name, value)
    appointment.full_clean()
    appointment.save()
    if contacts is not None:
        appointment.contacts.set(contacts)
    if participants is not None:
        appointment.participants.set(participants)
    changes = _changes(old, fields)
    if changes:
        _record(
            contact_ids=appointment.contacts.values_list("pk", flat=True),
            company_id=appointment.company_id,
            verb="activities.appointment_changed",
            actor=actor,
            data={"title": appointment.title, "changes": changes, "model": "appointment"},
            target=appointment,
        )
    return appointment


@transaction.atomic
def appointment_delete(*, appointment: Appointment, actor=None) -> None:
    """Delete the appointment; its contacts' and company's timelines say so."""
    _record(
        contact_ids=appointment.contacts.values_list("pk", flat=True),
        company_id=appointment.company_id,
        verb="activities.appointment_deleted",
        actor=actor,
        data={"title": appointment.title, "start": _show(appointment.start_at)},
        target=appointment,
    )
    appointment.delete()


# --- tasks -----------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *, actor, title: str, contacts: Iterable = (), status: str = TaskStatus.NOT_STARTED, **fields
) -> Task:
    task = Task(title=title, status=status, created_by=actor, **fields)
    if status == TaskStatus.DONE:
        task.completed_at = timezone.now()
    task.full_clean()
    task.save()
    contacts = list(contacts)
    task.contacts.set(contacts)
    _record(
        contact_ids=[c.pk for c in contacts],
        company_id=task.company_id,
        verb="activities.task_created",
        actor=actor,
        data={"title": task.title},
        target=task,
    )
    return task


@transaction.atomic
def task_update(*, task: Task, actor, contacts: Iterable | None = None, **fields) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    old = {name: getattr(locked, name) for name in fields}
    new_status = fields.get("status", locked.status)
    _check_transition(TASK_TRANSITIONS, locked.status, new_status, TaskStatus)
    for name, value in fields.items():
        setattr(task, name, value)
    completing = new_status == TaskStatus.DONE and locked.status != TaskStatus.DONE
    if completing:
        task.completed_at = timezone.now()
    elif new_status != TaskStatus.DONE:
        task.completed_at = None
    task.full_clean()
    task.save()
    if contacts is not None:
        task.contacts.set(contacts)
    contact_ids = list(task.contacts.values_list("pk", flat=True))
    changes = _changes(old, fields)
    if completing:
        _record(
            contact_ids=contact_ids,
            company_id=task.company_id,
            verb="activities.task_completed",
            actor=actor,
            data={"title": task.title},
            target=task,
        )
        changes.pop("status", None)
    if changes:
        _record(
            contact_ids=contact_ids,
            company_id=task.company_id,
            verb="activities.task_changed",
            actor=actor,
            data={"title": task.title, "changes": changes, "model": "task"},
            target=task,
        )
    return task


def task_complete(*, task: Task, actor) -> Task:
    """The one-click «done»."""
    return task_update(task=task, actor=actor, status=TaskStatus.DONE)


@transaction.atomic
def task_reopen(*, task: Task, actor, status: str) -> Task:
    """«Angre» after «Ferdig»: the done task gets back the open ``status`` it had. The
    completion stays on the timeline and the reopening is recorded beside it."""
    if status not in TaskStatus.open_values():
        raise ValidationError(
            {"status": _("A task can only be reopened as not started, in progress or waiting.")},
            code="bad_status",
        )
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.DONE:
        raise ValidationError(
            _("The task «%(title)s» is no longer done."),
            code="not_done",
            params={"title": locked.title},
        )
    task.status, task.completed_at = status, None
    task.full_clean()
    task.save(update_fields=["status", "completed_at", "updated_at"])
    _record(
        contact_ids=task.contacts.values_list("pk", flat=True),
        company_id=task.company_id,
        verb="activities.task_reopened",
        actor=actor,
        data={"title": task.title},
        target=task,
    )
    return task


@transaction.atomic
def task_delete(*, task: Task, actor=None) -> None:
    """Delete the task; its contacts' and company's timelines say so."""
    _record(
        contact_ids=task.contacts.values_list("pk", flat=True),
        company_id=task.company_id,
        verb="activities.task_deleted",
        actor=actor,
        data={"title": task.title},
        target=task,
    )
    task.delete()


# --- notes -----------------------------------------------------------------------------


def _note_contact_ids(note: Note) -> list[int]:
    if note.contact_id:
        return [note.contact_id]
    if note.company_id:
        return list(note.contact_persons.values_list("pk", flat=True))
    return list(note.project.participants.values_list("pk", flat=True))


@transaction.atomic
def note_create(
    *,
    author,
    text: str,
    private: bool = False,
    contact=None,
    company=None,
    project=None,
    contact_persons: Iterable = (),
) -> Note:
    note = Note(
        author=author,
        text=text,
        private=private,
        contact=contact,
        company=company,
        project=project,
    )
    note.full_clean()
    contact_persons = list(contact_persons)
    if contact_persons and company is None:
        raise ValidationError(
            {"contact_persons": _("Contact persons can only be chosen for a company note.")}
        )
    if company is not None and contact_persons:
        linked = set(company.links.values_list("contact_id", flat=True))
        if any(person.pk not in linked for person in contact_persons):
            raise ValidationError(
                {"contact_persons": _("Choose contact persons among the company's people.")}
            )
    note.save()
    if contact_persons:
        note.contact_persons.set(contact_persons)
    _record(
        contact_ids=_note_contact_ids(note),
        company_id=note.company_id,
        verb="activities.note_written",
        actor=author,
        data={"excerpt": note.text[:80], "private": note.private},
        target=note,
        private_to=author if note.private else None,
    )
    return note


@transaction.atomic
def note_update(*, note: Note, text: str, private: bool) -> Note:
    note.text = text
    note.private = private
    note.full_clean()
    note.save()
    note_privacy_apply(note=note)
    return note


@transaction.atomic
def note_privacy_apply(*, note: Note) -> None:
    """Make what names the note elsewhere follow its text and privacy, after it changed
    (here or in Django admin): a note made private vanishes from others' timelines, and
    Django admin's log stops naming it by its text."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    note_type = ContentType.objects.get_for_model(Note)
    if note.private:
        LogEntry.objects.filter(content_type=note_type, object_id=str(note.pk)).update(
            object_repr=str(note)[:200]
        )
    try:
        from history.models import Entry
    except ImportError:
        return
    entries = Entry.objects.filter(target_type=note_type, target_id=str(note.pk))
    for entry in entries:
        entry.private = note.private
        entry.private_to = note.author if note.private else None
        entry.data = {**entry.data, "excerpt": note.text[:80], "private": note.private}
        entry.save(update_fields=["private", "private_to", "data"])


@transaction.atomic
def note_delete(*, note: Note, actor=None) -> None:
    """Delete the note; the timelines it was on say so, a private note's to its author
    alone (as its other entries); one whose author is gone, to no one: no entry."""
    if not note.private or note.author_id is not None:
        _record(
            contact_ids=_note_contact_ids(note),
            company_id=note.company_id,
            verb="activities.note_deleted",
            actor=actor,
            data={"excerpt": note.text[:80], "private": note.private},
            target=note,
            private_to=note.author if note.private else None,
        )
    note.delete()
