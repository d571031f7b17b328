"""Writes of the card's services: sending an SMS and recording a number lookup."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from history.services import history_record

from .directory import DirectoryError, get_directory
from .models import PHONE_FIELDS, NumberLookup, SmsMessage
from .numbers import number_facts
from .sms import OutgoingSms, SmsError, get_backend, sms_ready
from .sms.segments import count_segments


def sms_check(*, contact, text: str) -> tuple[str, object]:
    """The E.164 mobile number and segment count, or ValidationError (nothing is sent)."""
    errors = {}
    if not contact.mobile:
        errors["__all__"] = _("%(name)s has no mobile number.") % {"name": contact.full_name}
    else:
        facts = number_facts(contact.mobile)
        if not facts.can_receive_sms:
            errors["__all__"] = _(
                "«%(number)s» is not a valid mobile number, so no SMS can be sent to it."
            ) % {"number": facts.raw}
    count = count_segments(text)
    if not text.strip():
        errors["text"] = _("Write a message.")
    elif count.segments > settings.SMS_MAX_SEGMENTS:
        errors["text"] = _("The message needs %(segments)s SMS; at most %(max)s are allowed.") % {
            "segments": count.segments,
            "max": settings.SMS_MAX_SEGMENTS,
        }
    if errors:
        raise ValidationError(errors)
    return facts.e164, count


def sms_send(*, contact, text: str, user=None, actor_label: str = "") -> SmsMessage:
    """Send ``text`` to the contact's mobile through ``SMS_BACKEND`` and store it.

    The message is stored before the gateway is asked, so that it is never lost, and
    then marked sent or failed (or, for the console backend while developing, "console":
    not sent). A failure is stored and recorded, not raised: look at ``status`` and
    ``error``. Refusals before sending, "SMS is not set up" among them, raise
    ValidationError and store nothing.
    """
    backend = get_backend()
    if not sms_ready(backend):
        raise ValidationError(sms_not_set_up_message())
    to, count = sms_check(contact=contact, text=text)
    message = SmsMessage(
        contact=contact,
        sent_by=user if user is not None and user.is_authenticated else None,
        to_number=to,
        sender_name=settings.SMS_SENDER[:20],
        text=text,
        encoding=count.encoding,
        segments=count.segments,
        backend=settings.SMS_BACKEND,
    )
    message.full_clean()
    message.save()
    # Outside any transaction: a slow gateway must not hold database locks.
    try:
        result = backend.send(OutgoingSms(to=to, sender=message.sender_name, text=text))
    except SmsError as error:
        message.status = SmsMessage.Status.FAILED
        message.error = str(error)
    else:
        message.provider_id = result.provider_id
        if backend.delivers:
            message.status = SmsMessage.Status.SENT
            message.sent_at = timezone.now()
        else:
            message.status = SmsMessage.Status.CONSOLE
    with transaction.atomic():
        message.save(update_fields=["status", "error", "provider_id", "sent_at", "updated_at"])
        history_record(
            contact=contact,
            verb=HISTORY_VERBS[message.status],
            actor=user,
            actor_label=actor_label,
            data={
                "number": facts_international(to),
                "text": text[:200],
                "segments": count.segments,
                "error": message.error,
            },
            target=message,
        )
    return message


HISTORY_VERBS = {
    SmsMessage.Status.SENT: "cardservices.sms_sent",
    SmsMessage.Status.FAILED: "cardservices.sms_failed",
    SmsMessage.Status.CONSOLE: "cardservices.sms_logged",
}


def sms_not_set_up_message() -> str:
    return _("SMS is not set up: no SMS gateway is configured. Ask the administrator.")


def facts_international(e164: str) -> str:
    return number_facts(e164).international or e164


def number_lookup(*, contact, field: str, user=None, actor_label: str = "") -> NumberLookup:
    """Look up one of the contact's phone fields offline (and in the directory, if one
    is configured), store the answer and put it on the contact's timeline."""
    if field not in PHONE_FIELDS:
        raise ValidationError(_("Only phone numbers can be looked up."))
    value = getattr(contact, field)
    if not value:
        raise ValidationError(_("There is no number in that field."))
    facts = number_facts(value)
    directory, directory_error = {}, ""
    backend = get_directory()
    if backend is not None and facts.valid:
        try:
            directory = backend.lookup(facts.e164)
        except DirectoryError as error:
            directory_error = str(error)[:300]
    lookup = NumberLookup(
        contact=contact,
        looked_up_by=user if user is not None and user.is_authenticated else None,
        field=field,
        number=(facts.international or facts.raw)[:40],
        valid=facts.valid,
        number_type=facts.number_type,
        region=facts.region,
        carrier=facts.carrier[:100],
        national=facts.national,
        international=facts.international,
        directory=directory,
        directory_error=directory_error,
    )
    lookup.full_clean()
    # The directory was asked above, outside the transaction (it may be slow).
    with transaction.atomic():
        lookup.save()
        history_record(
            contact=contact,
            verb="cardservices.number_looked_up",
            actor=user,
            actor_label=actor_label,
            data={"number": lookup.number, "valid": facts.valid},
            target=lookup,
        )
    return lookup
