import pytest
from django.core.exceptions import ValidationError

from contacts import services
from contacts.models import Contact
from tests.contacts.factories import CategoryFactory, ContactFactory

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
