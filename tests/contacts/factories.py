"""Contacts, their e-mail addresses and categories; private customers with numbers."""

import factory
from factory.django import DjangoModelFactory

from contacts.models import Category, Contact, ContactEmail


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Kategori {n}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    mobile = factory.Sequence(lambda n: f"+4741{n % 1000000:06d}")
    city = "Oslo"
    postcode = "0150"


class ContactEmailFactory(DjangoModelFactory):
    class Meta:
        model = ContactEmail

    contact = factory.SubFactory(ContactFactory)
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.contact.last_name.lower().replace(' ', '')}{n}@example.no"
    )


class CustomerContactFactory(ContactFactory):
    """A private customer: a contact with a customer number."""

    customer_number = factory.Sequence(lambda n: 500000 + n)


def load_postcode_register() -> None:
    """Posten's postcode register as shipped (contacts/data/), as the migration loads it.

    A test that needs it asks for it: a transactional test (a race, a browser test)
    empties every table when it ends, the register with it.
    """
    from pathlib import Path

    from contacts.postcodes import parse_register, postcodes_replace

    data = Path(__file__).resolve().parents[2] / "contacts" / "data" / "postnummerregister.tsv"
    postcodes_replace(lines=parse_register(data.read_bytes(), encoding="utf-8"))
