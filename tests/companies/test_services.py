import datetime

import pytest
from django.core.exceptions import ValidationError

from companies import services
from contacts.services import contact_make_customer
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_company_create_refuses_an_invalid_org_number():
    with pytest.raises(ValidationError) as error:
        services.company_create(name="Feil AS", org_number="123456789")
    assert "org_number" in error.value.message_dict


def test_company_create_accepts_a_valid_org_number():
    company = services.company_create(name="Riktig AS", org_number="988077917")
    assert company.org_number == "988077917"


def test_companies_and_private_customers_share_one_number_series():
    contact_number = contact_make_customer(contact=ContactFactory()).customer_number
    company_number = services.company_make_customer(company=CompanyFactory()).customer_number
    assert company_number == contact_number + 1


def test_one_person_can_be_linked_to_many_companies():
    contact = ContactFactory()
    for company in CompanyFactory.create_batch(3):
        services.company_link_contact(contact=contact, company=company, position="Styremedlem")
    assert contact.company_links.count() == 3


def test_linking_the_same_company_twice_while_current_is_refused():
    link = CompanyLinkFactory()
    with pytest.raises(ValidationError) as error:
        services.company_link_contact(contact=link.contact, company=link.company)
    assert error.value.code == "already_linked"


def test_a_former_link_allows_linking_again():
    link = CompanyLinkFactory(end_date=datetime.date(2020, 1, 31))
    again = services.company_link_contact(
        contact=link.contact, company=link.company, position="Rådgiver"
    )
    assert again.is_current
    assert not link.is_current


def test_a_link_cannot_end_before_it_starts():
    link = CompanyLinkFactory()
    with pytest.raises(ValidationError):
        services.company_link_update(
            link=link, start_date=datetime.date(2024, 5, 1), end_date=datetime.date(2024, 4, 1)
        )


def test_deleting_a_company_keeps_its_people():
    link = CompanyLinkFactory()
    services.company_delete(company=link.company)
    link.contact.refresh_from_db()
    assert link.contact.company_links.count() == 0
