"""Linking stored messages to contacts by their addresses, each link on the contact's
timeline once. Only messages seen in an account that links to the CRM are linked."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactEmail
from history.services import history_record_many

from ..models import Direction, Message, MessageAddress, MessageContact
from .locks import link_lock_hold

# The timeline verb of a link (its wording is registered in apps.py).
LINKED_VERB = "mailbox.linked"
# Who the timeline names for a link: no user made it, the sync did.
LINKED_BY = "sync_mail"


def messages_link(*, messages, contact_ids=None) -> int:
    """Link ``messages`` (only those seen in a linking account) to contacts by address,
    to those of ``contact_ids`` only when given. Returns how many links were made.
    Call inside the transaction that wrote the messages or the addresses: the linking
    lock (see ``locks.LINK_LOCK``) is held until it commits."""
    link_lock_hold()
    rows = (
        MessageAddress.objects.filter(
            message__in=messages.filter(copies__account__link_to_crm=True)
        )
        .annotate(lower=Lower("address"))
        .values_list("message_id", "address")
    )
    pairs = list(rows)
    if not pairs:
        return 0
    addresses = {address for _message, address in pairs}
    emails = ContactEmail.objects.annotate(lower=Lower("email")).filter(lower__in=addresses)
    if contact_ids is not None:
        emails = emails.filter(contact_id__in=contact_ids)
    by_address: dict[str, set[int]] = {}
    for contact_id, address in emails.values_list("contact_id", "lower"):
        by_address.setdefault(address, set()).add(contact_id)
    wanted: dict[tuple[int, int], None] = {}
    for message_id, address in pairs:
        for contact_id in by_address.get(address, ()):
            wanted[(message_id, contact_id)] = None
    if not wanted:
        return 0
    existing = set(
        MessageContact.objects.filter(
            message_id__in={m for m, _c in wanted}, contact_id__in={c for _m, c in wanted}
        ).values_list("message_id", "contact_id")
    )
    new = [key for key in wanted if key not in existing]
    if not new:
        return 0
    info = {
        m.pk: m
        for m in Message.objects.filter(pk__in={m for m, _c in new}).only(
            "pk", "from_address", "subject", "sent_at"
        )
    }
    contact_addresses: dict[int, set[str]] = {}
    for contact_id, address in ContactEmail.objects.filter(
        contact_id__in={c for _m, c in new}
    ).values_list("contact_id", Lower("email")):
        contact_addresses.setdefault(contact_id, set()).add(address)
    links = []
    for message_id, contact_id in new:
        message = info[message_id]
        received = message.from_address.lower() in contact_addresses.get(contact_id, set())
        links.append(
            MessageContact(
                message_id=message_id,
                contact_id=contact_id,
                direction=Direction.RECEIVED if received else Direction.SENT,
                sent_at=message.sent_at,
            )
        )
    MessageContact.objects.bulk_create(links, ignore_conflicts=True)
    history_record_many(
        records=(
            {
                "contact": link.contact_id,
                "verb": LINKED_VERB,
                "actor": None,
                "actor_label": LINKED_BY,
                "data": {
                    "subject": info[link.message_id].subject or _("(no subject)"),
                    "direction": link.direction,
                },
                "target": info[link.message_id],
                "mail": True,
                "occurred_at": info[link.message_id].sent_at,
            }
            for link in links
        )
    )
    return len(links)


def contact_addresses(*, addresses: set[str]) -> set[str]:
    """Those of ``addresses`` (lower-case) that belong to a contact: a sync stores only
    messages carrying one (one query, by the contacts' lower-case e-mail index)."""
    if not addresses:
        return set()
    emails = ContactEmail.objects.annotate(lower=Lower("email")).filter(lower__in=addresses)
    return set(emails.values_list("lower", flat=True))


@transaction.atomic
def contact_link_past_mail(*, contact: Contact | int) -> int:
    """Link a contact to every stored message carrying one of its addresses (call after
    adding or changing a contact's e-mail address). Returns how many links were made."""
    contact_id = getattr(contact, "pk", contact)
    addresses = [
        a.lower()
        for a in ContactEmail.objects.filter(contact_id=contact_id).values_list("email", flat=True)
    ]
    if not addresses:
        return 0
    messages = Message.objects.filter(address_rows__address__in=addresses).distinct()
    return messages_link(messages=messages, contact_ids=[contact_id])
