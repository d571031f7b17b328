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
    *,
    contact=None,
    company=None,
    viewer,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Entry]:
    """The entries of a contact's or a company's timeline that ``viewer`` may see,
    newest first, within the days ``date_from``..``date_to`` (both inclusive, either
    open), in the firm's time zone.

    Never shows another user's private entry, nor e-mail entries of a contact whose
    e-mail is locked unless the viewer is an administrator of the firm.
    """
    if contact is not None:
        entries = Entry.objects.filter(contact=contact)
        email_locked = contact.email_locked
    else:
        # A company's entries are not e-mail; the hiding rules still apply.
        entries = Entry.objects.filter(company=company)
        email_locked = False
    entries = _visible(
        entries.select_related("actor").order_by("-occurred_at", "-id"),
        viewer,
        email_locked=email_locked,
    )
    if date_from:
        entries = entries.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(occurred_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return entries


def entries_visible_to(entries: QuerySet[Entry], viewer) -> QuerySet[Entry]:
    """The rule :func:`timeline` applies, on entries of any contacts (crm.visibility:
    delete previews and Django admin)."""
    return _visible(entries, viewer, email_locked=None)


def _visible(entries: QuerySet[Entry], viewer, *, email_locked: bool | None):
    """Another user's private entry never; a private one whose user was deleted, to no
    one; e-mail entries of a locked contact to the firm's administrators only (known
    ``email_locked``: the one contact's; None: each entry's contact's); and what the
    registered hiding rules hide."""
    entries = entries.filter(Q(private=False) | Q(private_to=viewer))
    if not is_firm_admin(viewer):
        if email_locked is None:
            entries = entries.exclude(mail=True, contact__email_locked=True)
        elif email_locked:
            entries = entries.filter(mail=False)
    if (hidden := hidden_for(viewer)) is not None:
        entries = entries.exclude(hidden)
    return entries
