import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import services
from contacts.models import Contact
from tests.contacts.factories import CategoryFactory, ContactFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db


def test_contact_create_keeps_several_emails_in_order_without_duplicates():
    contact = services.contact_create(
        first_name="Kari",
        last_name="Nordmann",
        emails=["kari@firma.no", "KARI@firma.no", "kari@privat.no"],
    )
    assert [e.email for e in contact.emails.all()] == ["kari@firma.no", "kari@privat.no"]
    assert contact.primary_email == "kari@firma.no"


def test_contact_create_refuses_a_blank_last_name():
    with pytest.raises(ValidationError) as error:
        services.contact_create(first_name="Kari", last_name="   ")
    assert "last_name" in error.value.message_dict


def test_contact_update_replaces_emails_and_categories():
    contact = services.contact_create(last_name="Berg", emails=["a@b.no"])
    vip = CategoryFactory(name="VIP")
    services.contact_update(contact=contact, emails=["c@d.no"], categories=[vip], city="Bodø")
    contact.refresh_from_db()
    assert [e.email for e in contact.emails.all()] == ["c@d.no"]
    assert list(contact.categories.all()) == [vip]
    assert contact.city == "Bodø"


def test_making_a_customer_twice_keeps_the_first_number():
    contact = ContactFactory()
    first = services.contact_make_customer(contact=contact).customer_number
    second = services.contact_make_customer(contact=contact).customer_number
    assert first == second
    assert contact.is_private_customer


def test_contacts_are_listed_in_norwegian_alphabetical_order():
    for name in ["Ås", "Øst", "Zahl", "de Vries", "Æra", "Berg", "berg"]:
        ContactFactory(last_name=name, first_name="")
    names = list(Contact.objects.values_list("last_name", flat=True))
    assert names[:2] in (["Berg", "berg"], ["berg", "Berg"])
    assert names[2:] == ["de Vries", "Zahl", "Æra", "Øst", "Ås"]


def test_locking_a_contacts_email_is_stored_and_reported_once():
    contact = ContactFactory()
    before = contact.updated_at

    stored, changed = services.contact_set_email_locked(contact=contact, locked=True)
    again, changed_again = services.contact_set_email_locked(contact=contact, locked=True)

    assert (changed, changed_again) == (True, False)
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.email_locked and stored.email_locked and again.email_locked
    assert fresh.updated_at > before
    _opened, opened = services.contact_set_email_locked(contact=contact, locked=False)
    assert opened and not Contact.objects.get(pk=contact.pk).email_locked


@pytest.mark.django_db(transaction=True)
def test_two_locking_the_same_contact_at_once_the_second_finds_it_locked():
    contact = ContactFactory()
    meet = Rendezvous(2)

    def lock():
        with transaction.atomic():
            _stored, changed = services.contact_set_email_locked(contact=contact, locked=True)
            # Hold the transaction open until the other has read the row, or waits for it.
            meet.wait()
            return changed

    outcomes = race(meet, lock, lock)

    assert [o.error for o in outcomes] == [None, None]
    assert sorted(o.value for o in outcomes) == [False, True]
    assert Contact.objects.get(pk=contact.pk).email_locked
