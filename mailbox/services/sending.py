"""Writing an e-mail on the contact card: checked, stored and linked to the contact at
once, and queued for the worker (mailbox/services/outbox.py sends it after the commit).

It goes out through the user's own mail account (its SMTP server, so SPF/DMARC see the
sender's own server, and a copy lands in their «Sendt» folder). The firm's mail server
(Django's mailer) is a fallback only for users without a sending account, and only when
the firm's administrator allows it (:class:`~mailbox.models.MailSendingPolicy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactEmail

from ..models import (
    Direction,
    MailAccount,
    MailSendingPolicy,
    Message,
    MessageContact,
    OutgoingMail,
    OutgoingState,
)
from ..parsing import parse_message
from .storing import message_store

# The domain part of the Message-ID we give a sent e-mail (make_msgid would use this
# machine's host name): it only has to make the ID unique, not name a real host.
MESSAGE_ID_DOMAIN = "crm.local"
# The timeline verb of a sent e-mail (its wording is registered in apps.py); recorded by
# the worker once the mail server has taken the message, never before.
SENT_VERB = "mailbox.sent"


@dataclass(frozen=True)
class Route:
    """How a user's mail would leave: through ``account``, or the firm's mail server
    (``relay``); neither when the user must link an account first."""

    account: MailAccount | None
    relay: bool

    @property
    def possible(self) -> bool:
        return self.account is not None or self.relay


def relay_allowed() -> bool:
    return MailSendingPolicy.objects.filter(pk=1, relay_allowed=True).exists()


@transaction.atomic
def sending_policy_set(*, relay_allowed: bool) -> MailSendingPolicy:
    policy, _created = MailSendingPolicy.objects.update_or_create(
        pk=1, defaults={"relay_allowed": relay_allowed}
    )
    return policy


def sending_route(*, user) -> Route:
    """The user's first account with an SMTP server; else the firm relay if allowed."""
    account = MailAccount.objects.filter(user=user).exclude(smtp_host="").order_by("id").first()
    if account is not None:
        return Route(account=account, relay=False)
    return Route(account=None, relay=relay_allowed())


def _sender_name(user) -> str:
    return (user.get_full_name() or "").strip()


def _compose(*, user, route: Route, to: str, subject: str, body: str) -> tuple[str, bytes]:
    """(envelope sender, the message's bytes) as they will be sent and kept."""
    name = _sender_name(user)
    if route.account is not None:
        sender = route.account.email
        email = EmailMessage(subject=subject, body=body, to=[to])
        email.from_email = formataddr((name, sender)) if name else sender
    else:
        # The firm's server sends in the firm's name (its SPF/DMARC), replies reach the user.
        sender = settings.DEFAULT_FROM_EMAIL
        email = EmailMessage(subject=subject, body=body, to=[to])
        email.from_email = formataddr((name, sender)) if name else sender
        if user.email:
            email.reply_to = [user.email]
    email.extra_headers["Message-ID"] = make_msgid(domain=MESSAGE_ID_DOMAIN)
    return sender, email.message().as_bytes()


@transaction.atomic
def mail_send(*, user, contact: Contact, to: str, subject: str, body: str) -> Message:
    """Queue a plain-text e-mail to the contact: stored and linked now, sent by the
    worker once this transaction has committed (a rollback sends nothing)."""
    from .outbox import outgoing_enqueue

    to = to.strip().lower()
    if not ContactEmail.objects.filter(contact=contact).filter(Q(email__iexact=to)).exists():
        raise ValidationError({"to": _("Choose one of the contact's e-mail addresses.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Write a subject.")})
    if "\r" in subject or "\n" in subject:
        # A line break would end the Subject header (Django refuses to send it at all).
        raise ValidationError({"subject": _("The subject cannot contain line breaks.")})
    route = sending_route(user=user)
    if not route.possible:
        raise ValidationError(
            _("Link your mail account with an SMTP server before sending e-mail from the CRM.")
        )
    sender, raw = _compose(user=user, route=route, to=to, subject=subject.strip(), body=body)
    message = message_store(parsed=parse_message(raw), account=None).message
    MessageContact.objects.get_or_create(
        message=message,
        contact=contact,
        defaults={"direction": Direction.SENT, "sent_at": message.sent_at},
    )
    outgoing = OutgoingMail.objects.create(
        message=message,
        contact=contact,
        created_by=user,
        account=route.account,
        relay=route.account is None,
        from_address=sender,
        recipients=[to],
        raw=raw,
        state=OutgoingState.QUEUED,
    )
    outgoing_enqueue(outgoing=outgoing)
    return message
