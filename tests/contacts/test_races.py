"""Two presses on «+» at the same moment, forced to collide (see tests/races.py)."""

import pytest

from contacts import services
from contacts.models import Contact
from history.models import Entry
from tests.contacts.factories import ContactFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_presses_on_plus_at_once_give_the_contact_one_number(monkeypatch):
    contact = ContactFactory()
    meet = Rendezvous(2)
    # Called after the contact is read and before its number is written.
    monkeypatch.setattr(
        services, "next_customer_number", meet.before(services.next_customer_number)
    )

    def press():
        return services.contact_make_customer(contact=Contact.objects.get(pk=contact.pk))

    outcomes = race(meet, press, press)

    assert [o.error for o in outcomes] == [None, None]
    contact.refresh_from_db()
    # Both presses show the number the card keeps, and the timeline gives it once.
    assert [o.value.customer_number for o in outcomes] == [contact.customer_number] * 2
    given = Entry.objects.filter(contact=contact, verb="contacts.customer_number_given")
    assert given.count() == 1
