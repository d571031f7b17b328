"""Reads for linked e-mail. Every read of message content goes through the lock check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.postgres.aggregates import ArrayAgg, BoolOr
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404

from crm.access import is_firm_admin
from crm.pagination import page_with_total
from crm.tabs import count_subquery

from .models import (
    MailAccount,
    MailSendingPolicy,
    Message,
    MessageAttachment,
    MessageContact,
    OutgoingMail,
    OutgoingState,
)

PAGE_SIZE = 25


def can_read_contact_mail(*, user, contact) -> bool:
    return not contact.email_locked or is_firm_admin(user)


# What a row of the E-post tab reads of a link and its message.
CONTACT_LINK_FIELDS = (
    "direction",
    "sent_at",
    "message__id",
    "message__subject",
    "message__from_name",
    "message__from_address",
    "message__to_addresses",
    "message__sent_at",
    "message__has_attachments",
    # The state of a message written on the card (never its bytes).
    "message__outgoing__id",
    "message__outgoing__created_by_id",
    "message__outgoing__state",
    "message__outgoing__attempts",
    "message__outgoing__error",
    "message__outgoing__next_attempt_at",
    "message__outgoing__sent_folder_error",
)


@dataclass
class Thread:
    """One row of the E-post tab: a conversation as far as it is linked to the contact
    and readable by the user."""

    key: str
    last_at: datetime
    count: int
    # The newest message's link (its subject, direction and sender head the row).
    newest: MessageContact | None = None
    participants: list[str] = field(default_factory=list)
    has_attachments: bool = False
    # The newest message's sending, when it was written here (None for collected mail).
    outgoing: OutgoingMail | None = None


def contact_threads_page(*, user, contact, query: str = "", page: str | int | None = 1):
    """A page of the contact's conversations, the newest first, each with its count of
    messages, participants and last date (None when locked to ``user``). Two queries:
    the page's conversations (with their total, senders and attachments), and their
    newest messages. With ``query``, the conversations holding a message whose subject
    matches."""
    links = contact_message_links(user=user, contact=contact)
    if links is None:
        return None
    if query:
        matching = links.filter(message__subject__icontains=query)
        links = links.filter(message__thread_key__in=matching.values("message__thread_key"))
    oldest_first = ("sent_at", "message_id")
    threads = (
        links.order_by()
        .values(key=F("message__thread_key"))
        .annotate(
            last_at=Max("sent_at"),
            count=Count("pk"),
            # What the row shows of the whole conversation comes with it; only each
            # one's newest message is then read whole (25 links rather than all of them).
            newest_id=ArrayAgg("message_id", order_by=("-sent_at", "-message_id")),
            senders=ArrayAgg(
                Coalesce(NullIf("message__from_name", Value("")), "message__from_address"),
                order_by=oldest_first,
            ),
            has_attachments=BoolOr("message__has_attachments"),
        )
        .order_by("-last_at", "key")
    )
    page = page_with_total(threads, page, PAGE_SIZE)
    rows, newest = {}, {}
    for row in page.object_list:
        newest[row.pop("newest_id")[0]] = row["key"]
        senders = row.pop("senders")
        thread = rows[row["key"]] = Thread(**row)
        # The participants in the order they joined, each once.
        thread.participants = [sender for sender in dict.fromkeys(senders) if sender]
    for link in links.filter(message_id__in=list(newest)).only(*CONTACT_LINK_FIELDS):
        thread = rows[newest[link.message_id]]
        thread.newest = link
        # Read here, not in the template: a missing reverse one-to-one raises, and the
        # template engine answers a raised lookup with dir() of the whole message.
        thread.outgoing = getattr(link.message, "outgoing", None)
    page.object_list = list(rows.values())
    return page


def contact_thread(*, user, contact, pk: int) -> list[MessageContact]:
    """The conversation of the message ``pk`` as linked to the contact and readable by
    ``user``, oldest first, each link with its message and attachments; 404 when the
    message itself is not readable there. Three queries."""
    links = contact_message_links(user=user, contact=contact)
    if links is None:
        raise Http404
    key = links.filter(message_id=pk).values_list("message__thread_key", flat=True).first()
    if key is None:
        raise Http404
    return list(
        links.filter(message__thread_key=key)
        .only(*CONTACT_LINK_FIELDS)
        .prefetch_related(
            Prefetch(
                "message__attachments",
                queryset=MessageAttachment.objects.only(
                    "message_id", "file_id", "filename", "size"
                ),
            )
        )
        .order_by("sent_at", "message_id")
    )


def contact_message_links(*, user, contact, query: str = ""):
    """The contact's message links ``user`` may read, newest first (None when locked)."""
    if not can_read_contact_mail(user=user, contact=contact):
        return None
    links = (
        MessageContact.objects.filter(contact=contact)
        .select_related("message", "message__outgoing")
        .only(*CONTACT_LINK_FIELDS)
    )
    if not is_firm_admin(user):
        # A message also linked to a locked contact stays hidden.
        # NOT IN (hashed) rather than NOT EXISTS: the planner then walks the contact's
        # newest links by index and stops after a page instead of sorting them all.
        links = links.exclude(
            message_id__in=MessageContact.objects.filter(contact__email_locked=True).values(
                "message_id"
            )
        )
    if query:
        links = links.filter(message__subject__icontains=query)
    # sent_at is the link's copy of the message's date (indexed with the contact).
    return links.order_by("-sent_at", "-message_id")


def contact_message_count(*, firm_admin: bool):
    """For a query of contacts: how many of each contact's messages its E-post tab lists.
    All for a firm administrator; else none on a locked contact (read off the contact's
    own row, once, rather than joined to each link) and none of a message also linked to
    a locked contact."""
    links = MessageContact.objects.filter(contact_id=OuterRef("pk"))
    if firm_admin:
        return count_subquery(links)
    locked_mail = MessageContact.objects.filter(contact__email_locked=True).values("message_id")
    return Case(
        When(email_locked=True, then=Value(0)),
        default=count_subquery(links.exclude(message_id__in=locked_mail)),
        output_field=IntegerField(),
    )


def contact_message(*, user, contact, pk: int) -> tuple[Message, str]:
    """One message linked to the contact with its direction; 404 when not readable."""
    if not can_read_contact_mail(user=user, contact=contact):
        raise Http404
    link = (
        MessageContact.objects.filter(contact=contact, message_id=pk)
        .select_related("message", "message__outgoing")
        .defer("message__outgoing__raw")
        .first()
    )
    if link is None or not Message.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    message = link.message
    message.attachment_list = list(message.attachments.all())
    return message, link.direction


def retryable_outgoing(*, user, contact, pk: int) -> OutgoingMail:
    """A message ``user`` wrote on ``contact``'s card and that was not sent; 404 for
    anyone else's, another card's, or one the user may not read."""
    if not can_read_contact_mail(user=user, contact=contact):
        raise Http404
    return get_object_or_404(
        OutgoingMail.objects.filter(
            contact=contact,
            created_by=user,
            state=OutgoingState.FAILED,
            message__in=readable_messages(user),
        ).only("id", "created_by_id", "state"),
        pk=pk,
    )


def sending_policy() -> MailSendingPolicy:
    return MailSendingPolicy.objects.filter(pk=1).first() or MailSendingPolicy(pk=1)


def readable_messages(user):
    """The messages ``user`` may read: linked to a contact, and not locked to them."""
    return Message.objects.visible_to(user).filter(
        Exists(MessageContact.objects.filter(message=OuterRef("pk")))
    )


def readable_message(*, user, pk: int) -> Message:
    """A linked message the user may read (for the body frame)."""
    message = readable_messages(user).filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


# --- rules for the files app (registered in MailboxConfig.ready) ---------------------------


def readable_attachments(user):
    """File source: the attachments of the messages ``user`` may read, downloaded through
    the files app (files.access)."""
    return MessageAttachment.objects.filter(message__in=readable_messages(user))


def attachment_file_id(*, user, pk: int) -> int:
    """The stored file of an attachment ``user`` may read; 404 otherwise, so the old
    attachment address tells no one which file holds another's attachment."""
    return get_object_or_404(readable_attachments(user).values_list("file_id", flat=True), pk=pk)


def locked_attachments(user):
    """File hiding rule: attachments of a message linked to a contact whose e-mail is
    locked are hidden from everyone but the firm's administrators, even where the file
    is also linked into a file area (files.access)."""
    if is_firm_admin(user):
        return None
    return MessageAttachment.objects.filter(
        Exists(
            MessageContact.objects.filter(
                message=OuterRef("message_id"), contact__email_locked=True
            )
        )
    )


# --- rules for crm.visibility (delete previews, Django admin; registered in ready()) ------


def visible_messages(messages, viewer):
    """Messages as the CRM pages show them: linked to a contact, and not locked to
    ``viewer`` (:func:`readable_messages`)."""
    return messages.filter(pk__in=readable_messages(viewer).values("pk"))


def visible_message_parts(rows, viewer):
    """A message's links to contacts, attachments, copies and addresses: seen with the
    message, or not at all."""
    return rows.filter(message__in=readable_messages(viewer).values("pk"))


def visible_accounts(accounts, viewer):
    """Mail accounts: each user's own (the account pages show no one else's); the firm's
    administrators manage everyone's."""
    if is_firm_admin(viewer):
        return accounts
    return accounts.filter(user_id=viewer.pk)


def visible_folder_states(states, viewer):
    return states.filter(account__in=visible_accounts(MailAccount.objects.all(), viewer))


def user_accounts(*, user):
    return MailAccount.objects.filter(user=user).order_by("email", "id")


def locked_mail_history(viewer):
    """For the history timeline: e-mail entries about a message that is also linked to a
    locked contact are hidden from non-administrators on every contact's timeline."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    if is_firm_admin(viewer):
        return None
    locked = (
        MessageContact.objects.filter(contact__email_locked=True)
        .annotate(key=Cast("message_id", CharField()))
        .values("key")
    )
    return Q(
        mail=True, target_type=ContentType.objects.get_for_model(Message), target_id__in=locked
    )
