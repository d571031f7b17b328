"""Sending an e-mail from the contact card: through Django's mailer, then stored and
linked to the contact like a synced message."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from contacts.models import Contact, ContactEmail
from history.services import history_record

from ..models import Direction, MailAccount, Message, MessageContact
from ..parsing import parse_message
from .storing import message_store

logger = logging.getLogger("mailbox")
# The domain part of the Message-ID we give a sent e-mail (make_msgid would use this
# machine's host name): it only has to make the ID unique, not name a real host.
MESSAGE_ID_DOMAIN = "crm.local"
# The timeline verb of a sent e-mail (its wording is registered in apps.py).
SENT_VERB = "mailbox.sent"


@transaction.atomic
def mail_send(*, user, contact: Contact, to: str, subject: str, body: str) -> Message:
    """Send a plain-text e-mail to the contact through Django's mailer, store it and link it."""
    to = to.strip().lower()
    if not ContactEmail.objects.filter(contact=contact).filter(Q(email__iexact=to)).exists():
        raise ValidationError({"to": _("Choose one of the contact's e-mail addresses.")})
    if not subject.strip():
        raise ValidationError({"subject": _("Write a subject.")})
    if "\r" in subject or "\n" in subject:
        # A line break would end the Subject header (Django refuses to send it at all).
        raise ValidationError({"subject": _("The subject cannot contain line breaks.")})
    account = MailAccount.objects.filter(user=user).order_by("id").first()
    sender = account.email if account else (user.email or None)
    email = EmailMessage(subject=subject.strip(), body=body, to=[to])
    if sender:
        email.from_email = sender
    email.extra_headers["Message-ID"] = make_msgid(domain=MESSAGE_ID_DOMAIN)
    raw = email.message().as_bytes()
    try:
        mailers.default.send_messages([email])
    except (OSError, Exception) as error:
        logger.warning("Sending mail failed: %s", error)
        raise ValidationError(
            _("The e-mail could not be sent: %(error)s") % {"error": error}
        ) from error
    parsed = parse_message(raw)
    result = message_store(parsed=parsed, account=None)
    message = result.message
    MessageContact.objects.get_or_create(
        message=message,
        contact=contact,
        defaults={"direction": Direction.SENT, "sent_at": message.sent_at},
    )
    history_record(
        contact=contact,
        verb=SENT_VERB,
        actor=user,
        data={"subject": message.subject},
        target=message,
        mail=True,
    )
    return message
