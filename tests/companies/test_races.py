"""Customer numbers taken at the same moment, forced to collide (see tests/races.py)."""

import pytest
from django.core.exceptions import ValidationError

from companies import services
from companies.models import Company, CompanyLink
from contacts import services as contact_services
from contacts.models import Contact
from tests.factories import CompanyFactory, ContactFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_presses_at_once_give_the_company_one_number(monkeypatch):
    company = CompanyFactory()
    meet = Rendezvous(2)
    # Called after the company is read and before its number is written.
    monkeypatch.setattr(
        services, "next_customer_number", meet.before(services.next_customer_number)
    )

    def press():
        return services.company_make_customer(company=Company.objects.get(pk=company.pk))

    outcomes = race(meet, press, press)

    assert [o.error for o in outcomes] == [None, None]
    company.refresh_from_db()
    assert [o.value.customer_number for o in outcomes] == [company.customer_number] * 2


def test_a_company_and_a_contact_made_customers_at_once_get_different_numbers(monkeypatch):
    company, contact = CompanyFactory(), ContactFactory()
    meet = Rendezvous(2)
    # Both have taken their number from the shared series before either saves it.
    for module in (services, contact_services):
        monkeypatch.setattr(
            module, "next_customer_number", meet.after(module.next_customer_number)
        )

    outcomes = race(
        meet,
        lambda: services.company_make_customer(company=company),
        lambda: contact_services.contact_make_customer(contact=contact),
    )

    assert [o.error for o in outcomes] == [None, None]
    company_number = Company.objects.get(pk=company.pk).customer_number
    contact_number = Contact.objects.get(pk=contact.pk).customer_number
    assert None not in (company_number, contact_number)
    assert company_number != contact_number


def test_a_person_linked_to_a_company_twice_at_once_is_linked_once(monkeypatch):
    contact, company = ContactFactory(), CompanyFactory()
    meet = Rendezvous(2)
    # Called after the check for a current link, before the new one is written.
    monkeypatch.setattr(CompanyLink, "full_clean", meet.before(CompanyLink.full_clean))

    def link():
        return services.company_link_contact(contact=contact, company=company)

    outcomes = race(meet, link, link)

    # The later click is told the person is already linked (not a server error).
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError) and errors[0].code == "already_linked"
    assert CompanyLink.objects.filter(contact=contact, company=company).count() == 1
