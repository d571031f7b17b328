"""Sent text messages and number lookups."""

import factory
from factory.django import DjangoModelFactory

from cardservices.models import NumberLookup, SmsMessage
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory


class SmsMessageFactory(DjangoModelFactory):
    class Meta:
        model = SmsMessage

    contact = factory.SubFactory(ContactFactory)
    sent_by = factory.SubFactory(UserFactory)
    to_number = factory.LazyAttribute(lambda o: str(o.contact.mobile.as_e164))
    sender_name = "CRM"
    text = "Hei! Vi minner om møtet i morgen kl. 10."
    encoding = "GSM-7"
    segments = 1
    status = SmsMessage.Status.SENT
    backend = "cardservices.sms.backends.console.SmsBackend"


class NumberLookupFactory(DjangoModelFactory):
    class Meta:
        model = NumberLookup

    contact = factory.SubFactory(ContactFactory)
    looked_up_by = factory.SubFactory(UserFactory)
    field = "mobile"
    number = factory.LazyAttribute(lambda o: o.contact.mobile.as_international)
    valid = True
    number_type = "mobile"
    region = "NO"
    carrier = "Telia"
    national = factory.LazyAttribute(lambda o: o.contact.mobile.as_national)
    international = factory.LazyAttribute(lambda o: o.contact.mobile.as_international)
