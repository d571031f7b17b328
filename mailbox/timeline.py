"""The contact's linked e-mail in the card's «Aktivitet» time line (registered in apps.py;
see contacts/activity.py). Read through ``contact_message_links``, so a locked contact's
mail shows to administrators alone."""

from __future__ import annotations

from django.utils.translation import gettext as _

from contacts.activity import TimelineEntry
from crm.rows import url_for

from . import selectors


def emails_source(request, contact, limit: int) -> list[TimelineEntry]:
    links = selectors.contact_message_links(user=request.user, contact=contact)
    if links is None:
        return []
    links = links[:limit]
    label = _("E-mail")
    no_subject = _("(no subject)")
    detail_url = url_for("mailbox:detail", contact.pk)
    return [
        TimelineEntry(
            kind="email",
            icon="bi-envelope",
            label=label,
            when=link.message.sent_at,
            title=link.message.subject or no_subject,
            url=detail_url(link.message_id),
            detail=link.message.from_name or link.message.from_address,
        )
        for link in links
    ]
