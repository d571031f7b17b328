"""A company page has a History tab: changes to the company's data, who joined and left
it, and what was deleted from it, each said once in plain Norwegian."""

import pytest
from django.urls import reverse

from history.models import Entry
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory
from tests.history.lines import card_lines, company_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(staff):
    staff.first_name, staff.last_name = "Kari", "Nordmann"
    staff.save()
    return staff


def _company_form(company, **changes):
    fields = {
        "name": company.name,
        "org_number": company.org_number,
        "phone": "",
        "email": company.email,
        "website": company.website,
        "street_address": company.street_address,
        "postcode": company.postcode,
        "city": company.city,
    }
    return {**fields, **changes}


def test_editing_name_orgnr_and_address_is_one_line_on_the_company(staff_client, kari):
    company = CompanyFactory(
        name="Aune Handel DA", org_number="988077917", street_address="Storgata 1"
    )
    response = staff_client.post(
        reverse("companies:update", args=[company.pk]),
        _company_form(
            company,
            name="Aune Handel AS",
            org_number="974 760 673",
            street_address="Kongens gate 2",
        ),
    )
    assert response.status_code == 302
    assert company_lines(staff_client, company)[-1] == (
        "Kari Nordmann endret navn fra Aune Handel DA til Aune Handel AS,"
        " organisasjonsnummer fra 988 077 917 til 974 760 673"
        " og gateadresse fra Storgata 1 til Kongens gate 2"
    )
    assert Entry.objects.filter(company=company).count() == 2  # created, changed


def test_a_company_edit_without_changes_says_nothing(staff_client, kari):
    company = CompanyFactory(name="Aune Handel DA")
    before = company_lines(staff_client, company)
    staff_client.post(reverse("companies:update", args=[company.pk]), _company_form(company))
    assert company_lines(staff_client, company) == before


def test_customer_number_and_categories_are_on_the_company(staff_client, kari):
    from tests.contacts.factories import CategoryFactory

    company = CompanyFactory(name="Aune Handel DA")
    company.categories.add(CategoryFactory(name="Leverandør"))
    staff_client.post(reverse("companies:make_customer", args=[company.pk]))
    company.refresh_from_db()
    assert company_lines(staff_client, company)[-2:] == [
        "Systemet la til kategorien Leverandør",
        f"Kari Nordmann ga bedriften kundenummer {company.customer_number}",
    ]


def test_people_joining_and_leaving_show_on_both_pages(staff_client, kari):
    company = CompanyFactory(name="Aune Handel DA")
    contact = ContactFactory(first_name="Ola", last_name="Hansen")
    staff_client.post(
        reverse("companies:link_contact", args=[company.pk]), {"contact": contact.pk}
    )
    link = company.links.get()
    staff_client.post(reverse("companies:link_delete", args=[link.pk]))
    assert company_lines(staff_client, company)[-2:] == [
        "Kari Nordmann knyttet Ola Hansen til bedriften",
        "Kari Nordmann fjernet Ola Hansen fra bedriften",
    ]
    assert card_lines(staff_client, contact)[-2:] == [
        "Kari Nordmann knyttet kontakten til Aune Handel DA",
        "Kari Nordmann fjernet koblingen til Aune Handel DA",
    ]


def test_a_deleted_persons_name_leaves_the_company_history(staff_client, kari):
    company = CompanyFactory(name="Aune Handel DA")
    contact = ContactFactory(first_name="Ola", last_name="Hansen")
    CompanyLinkFactory(contact=contact, company=company)
    contact.delete()
    assert not any("Ola Hansen" in line for line in company_lines(staff_client, company))


def test_deleting_a_company_keeps_the_peoples_history(staff_client, kari):
    company = CompanyFactory(name="Aune Handel DA")
    link = CompanyLinkFactory(company=company)
    staff_client.post(reverse("companies:delete", args=[company.pk]))
    assert not Entry.objects.filter(company_id=company.pk).exists()
    assert card_lines(staff_client, link.contact)[-1] == (
        "Kari Nordmann fjernet koblingen til Aune Handel DA"
    )


def test_company_history_is_for_crm_users_only(client, no_access_user):
    company = CompanyFactory()
    client.force_login(no_access_user)
    assert client.get(reverse("companies:tab", args=[company.pk, "history"])).status_code == 403


def test_company_history_query_count_is_bounded(staff_client, django_assert_max_num_queries):
    from history.services import history_record
    from tests.crm.factories import UserFactory

    company = CompanyFactory()
    users = UserFactory.create_batch(5)
    for i in range(80):
        history_record(company=company, verb="companies.created", actor=users[i % 5])
    url = reverse("companies:tab", args=[company.pk, "history"])
    staff_client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = staff_client.get(url, headers={"HX-Request": "true"})
    assert response.text.count('data-testid="history-entry"') == 50
