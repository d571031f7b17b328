"""Reads for the services tab and pages."""

from django.shortcuts import get_object_or_404

from contacts.models import Contact

from .models import NumberLookup, SmsMessage

RECENT = 10


def contact_for_services(*, pk: int) -> Contact:
    return get_object_or_404(Contact, pk=pk)


def sms_recent(*, contact, limit: int = RECENT) -> list[SmsMessage]:
    return list(SmsMessage.objects.filter(contact=contact).select_related("sent_by")[:limit])


def lookups_recent(*, contact, limit: int = RECENT) -> list[NumberLookup]:
    return list(
        NumberLookup.objects.filter(contact=contact).select_related("looked_up_by")[:limit]
    )
