"""What activities adds to the card's «Aktivitet» time line (registered in apps.py; see
contacts/activity.py): the contact's notes, appointments and tasks, one query each, read
through the same selectors as their own tabs (so others' private notes never show)."""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from contacts.activity import TimelineEntry
from crm.rows import url_for
from crm.users import display_name as user_name

from . import selectors
from .models import AppointmentStatus, TaskStatus


def notes_source(request, contact, limit: int) -> list[TimelineEntry]:
    notes = selectors.notes_for_contact(user=request.user, contact=contact).order_by(
        "-created_at", "-id"
    )[:limit]
    label = _("Note")
    return [
        TimelineEntry(
            kind="note",
            icon="bi-journal-text",
            label=label,
            when=note.created_at,
            title=Truncator(note.text).chars(120),
            detail=user_name(note.author) if note.author_id else "",
        )
        for note in notes
    ]


def appointments_source(request, contact, limit: int) -> list[TimelineEntry]:
    rows = selectors.appointments_for_contact(contact=contact, statuses=None).order_by(
        "-start_at", "-id"
    )[:limit]
    labels = dict(AppointmentStatus.choices)
    label = _("Appointment")
    detail_url = url_for("activities:appointment_detail")
    return [
        TimelineEntry(
            kind="appointment",
            icon="bi-calendar-event",
            label=label,
            when=row.start_at,
            title=row.title,
            url=detail_url(row.pk),
            detail=str(labels.get(row.status, row.status)),
        )
        for row in rows
    ]


def tasks_source(request, contact, limit: int) -> list[TimelineEntry]:
    rows = selectors.tasks_for_contact(contact=contact, statuses=None).order_by(
        "-created_at", "-id"
    )[:limit]
    labels = dict(TaskStatus.choices)
    label = _("Task")
    edit_url = url_for("activities:task_update")
    return [
        TimelineEntry(
            kind="task",
            icon="bi-check2-square",
            label=label,
            when=row.created_at,
            title=row.title,
            url=edit_url(row.pk),
            detail=str(labels.get(row.status, row.status)),
        )
        for row in rows
    ]
