"""History entries on a contact."""

import factory
from factory.django import DjangoModelFactory

from tests.contacts.factories import ContactFactory


class HistoryEntryFactory(DjangoModelFactory):
    class Meta:
        model = "history.Entry"

    contact = factory.SubFactory(ContactFactory)
    verb = "contacts.changed"
    actor_label = "factory"
    data = factory.LazyFunction(lambda: {"changes": {"city": ["Oslo", "Bergen"]}})
