"""The history hook: how any app puts an event on a contact's or a company's timeline.

    from history.services import history_record
    history_record(contact=contact, verb="notes.written", actor=request.user,
                   data={"title": note.title}, target=note,
                   private_to=note.author if note.private else None)

and, once, in the app's ``AppConfig.ready()``::

    from history.verbs import register_verb
    register_verb("notes.written", _("%(actor)s wrote the note «%(title)s»"))
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import Entry


def history_entry(
    *,
    contact=None,
    company=None,
    verb: str,
    actor=None,
    actor_label: str = "",
    data: dict | None = None,
    target=None,
    private_to=None,
    mail: bool = False,
    occurred_at=None,
) -> Entry:
    """One entry for a contact's or a company's timeline, checked but not yet saved.

    ``contact`` or ``company`` (one of them, an instance or its id) owns the timeline;
    ``data`` must be JSON-safe (its keys fill the verb's sentence); ``target`` is the
    model instance the event is about, if any;
    ``private_to`` hides the entry from everyone but that user; ``mail`` marks e-mail
    content, hidden from non-administrators while the contact's e-mail is locked.
    """
    contact_id = getattr(contact, "pk", contact)
    company_id = getattr(company, "pk", company)
    if (contact_id is None) == (company_id is None):
        raise ValueError("An entry belongs to one contact or one company.")
    entry = Entry(
        contact_id=contact_id,
        company_id=company_id,
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label[:100],
        data=data or {},
        private=private_to is not None,
        private_to=private_to,
        mail=mail,
        occurred_at=occurred_at or timezone.now(),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
    entry.full_clean(exclude=["contact", "company", "actor", "private_to", "target_type"])
    return entry


@transaction.atomic
def history_record(**fields) -> Entry:
    """Add one entry to a contact's or a company's timeline and return it; ``fields``
    are :func:`history_entry`'s keyword arguments."""
    entry = history_entry(**fields)
    entry.save()
    return entry


@transaction.atomic
def history_record_many(*, records: Iterable[dict]) -> list[Entry]:
    """Add many entries in one INSERT (a mail sync linking a batch of messages); each
    record holds :func:`history_entry`'s keyword arguments."""
    return Entry.objects.bulk_create([history_entry(**record) for record in records])
