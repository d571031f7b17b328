"""Reads for the History tab."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from crm.access import is_firm_admin

from .models import Entry
from .visibility import hidden_for


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def timeline(
    *, contact, viewer, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Entry]:
    """The contact's entries that ``viewer`` may see, newest first, within the days
    ``date_from``..``date_to`` (both inclusive, either open), in the firm's time zone.

    Never shows another user's private entry, nor e-mail entries of a contact whose
    e-mail is locked unless the viewer is an administrator of the firm.
    """
    entries = (
        Entry.objects.filter(contact=contact)
        .filter(Q(private=False) | Q(private_to=viewer))
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    if contact.email_locked and not is_firm_admin(viewer):
        entries = entries.filter(mail=False)
    if (hidden := hidden_for(viewer)) is not None:
        entries = entries.exclude(hidden)
    if date_from:
        entries = entries.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(occurred_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return entries
