"""Companies and the links between a contact and a company."""

import factory
from factory.django import DjangoModelFactory

from companies.models import Company, CompanyLink
from tests.contacts.factories import ContactFactory


def _orgnr(n: int) -> str:
    """A valid org.nr for the n-th company (mod 11 check digit; some bases have none)."""
    from stdnum.no import orgnr

    base = 91234567 + n * 7
    while True:
        for check in range(10):
            if orgnr.is_valid(f"{base}{check}"):
                return f"{base}{check}"
        base += 1


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n} AS")
    # Org.nr is unique (companies/0006): a valid one per company, apart from the numbers tests type by hand.
    org_number = factory.Sequence(lambda n: _orgnr(n))
    city = "Bergen"


class CompanyLinkFactory(DjangoModelFactory):
    class Meta:
        model = CompanyLink

    contact = factory.SubFactory(ContactFactory)
    company = factory.SubFactory(CompanyFactory)
    position = "Daglig leder"
