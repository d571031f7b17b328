"""The JSON each event carries: the API's own shapes (api/schemas.py through the
endpoints' ``…_out``), so a receiver reads the same field names as a client of /api/v1/.

What never goes out: a private note (nor its change or removal: the event is dropped),
and no event carries linked e-mail, so a contact's locked e-mail (``email_locked``) stays
where the mailbox's rules keep it. A deleted object is sent as its id alone.
"""

from __future__ import annotations

from django.utils import timezone

from activities.models import Note

from ..endpoints import activities, companies, contacts
from ..schemas import AppointmentOut, CompanyOut, ContactOut, NoteOut, TaskOut


def _contact(pk):
    found = contacts._with_lists(contacts.Contact.objects.all()).filter(pk=pk).first()
    return found and ContactOut.model_validate(contacts.contact_out(found))


def _company(pk):
    found = companies._with_lists(companies.Company.objects.all()).filter(pk=pk).first()
    return found and CompanyOut.model_validate(companies.company_out(found))


def _note(pk):
    found = Note.objects.filter(pk=pk, private=False).first()
    return found and NoteOut.model_validate(activities.note_out(found))


def _appointment(pk):
    found = activities._appointments().filter(pk=pk).first()
    return found and AppointmentOut.model_validate(activities.appointment_out(found))


def _task(pk):
    found = activities._tasks().filter(pk=pk).first()
    return found and TaskOut.model_validate(activities.task_out(found))


READERS = {
    "contact": _contact,
    "company": _company,
    "note": _note,
    "appointment": _appointment,
    "task": _task,
}


def payload(name: str, pk: int, kind: str) -> dict | None:
    """The body of «<name>.<kind>» for object ``pk``, or None when there is nothing to
    send (gone since, or a private note)."""
    if kind == "deleted":
        data = {"id": pk}
    else:
        found = READERS[name](pk)
        if not found:
            return None
        data = found.model_dump(mode="json")
    return {
        "event": f"{name}.{kind}",
        "occurred_at": timezone.now().isoformat(),
        "data": data,
    }
