"""Companies and the links between a contact and a company."""

import factory
from factory.django import DjangoModelFactory

from companies.models import Company, CompanyLink
from tests.contacts.factories import ContactFactory


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n} AS")
    org_number = "988077917"
    city = "Bergen"


class CompanyLinkFactory(DjangoModelFactory):
    class Meta:
        model = CompanyLink

    contact = factory.SubFactory(ContactFactory)
    company = factory.SubFactory(CompanyFactory)
    position = "Daglig leder"
