"""Customer numbers and company links made at the same moment, forced to collide (see
tests/races.py)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError

from companies import services
from companies.models import Company, CompanyLink
from contacts import services as contact_services
from contacts.models import Contact
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory
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
    # Both have checked for a current link, and validated theirs, before either writes.
    monkeypatch.setattr(CompanyLink, "full_clean", meet.after(CompanyLink.full_clean))

    def link():
        return services.company_link_contact(contact=contact, company=company)

    outcomes = race(meet, link, link)

    # The later click is told the person is already linked (not a server error).
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError) and errors[0].code == "already_linked"
    assert CompanyLink.objects.filter(contact=contact, company=company).count() == 1


def test_a_link_reopened_while_the_person_is_linked_anew_is_refused_clearly(monkeypatch):
    former = CompanyLinkFactory(end_date=datetime.date(2020, 1, 31))
    meet = Rendezvous(2)
    inserted = threading.Event()
    save = CompanyLink.save

    def save_then_meet(link, *args, **kwargs):
        new = link.pk is None
        save(link, *args, **kwargs)
        if new:  # the new link is written, not yet committed
            inserted.set()
            meet.wait()

    monkeypatch.setattr(CompanyLink, "save", save_then_meet)

    def link_anew():
        return services.company_link_contact(contact=former.contact, company=former.company)

    def reopen():
        assert inserted.wait(timeout=30)
        link = CompanyLink.objects.get(pk=former.pk)
        return services.company_link_update(link=link, end_date=None)

    outcomes = race(meet, link_anew, reopen)

    assert outcomes[0].error is None
    # Told why, as when the new link is already there, rather than a server error.
    error = outcomes[1].error
    assert isinstance(error, ValidationError) and error.code == "already_linked"
    current = CompanyLink.objects.current().filter(contact=former.contact, company=former.company)
    assert current.count() == 1
