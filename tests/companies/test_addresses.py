"""Companies abroad and customer numbers set by hand on companies (issue #17)."""

import re

import pytest
from django.urls import reverse

from companies.models import Company
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import CustomerContactFactory

pytestmark = pytest.mark.django_db


def company_data(**overrides):
    return {
        "name": "Fjordlys Regnskap AS",
        "org_number": "",
        "phone": "",
        "email": "",
        "website": "",
        "street_address": "Bryggen 3",
        "postcode": "5003",
        "city": "",
        "country": "NO",
        **overrides,
    }


@pytest.fixture
def admin_client(client, firm_admin):
    client.force_login(firm_admin)
    return client


def test_a_german_company_is_saved_as_typed(staff_client, postcode_register):
    response = staff_client.post(
        reverse("companies:create"),
        company_data(
            name="Nordlicht GmbH",
            street_address="Friedrichstraße 43",
            postcode="10117",
            city="Berlin",
            country="DE",
            phone="030 1234567",  # the German way: read as German
        ),
        follow=True,
    )
    company = Company.objects.get()
    assert (company.postcode, company.city, company.country) == ("10117", "Berlin", "DE")
    assert company.phone.as_e164 == "+49301234567"
    assert "Tyskland" in response.content.decode()


def test_a_swedish_company_keeps_its_postcode_with_the_space(staff_client, postcode_register):
    staff_client.post(
        reverse("companies:create"),
        company_data(postcode="411 19", city="Göteborg", country="SE", phone="+46 31 123 45 67"),
    )
    company = Company.objects.get()
    assert (company.postcode, company.city) == ("411 19", "Göteborg")
    assert company.phone.as_e164 == "+46311234567"


def test_a_norwegian_postcode_must_have_four_digits(staff_client, postcode_register):
    response = staff_client.post(reverse("companies:create"), company_data(postcode="50031"))
    assert "fire sifre" in response.content.decode()
    assert not Company.objects.exists()


def test_the_post_town_is_filled_from_the_register(staff_client, postcode_register):
    staff_client.post(reverse("companies:create"), company_data(postcode="5003", city=""))
    assert Company.objects.get().city == "BERGEN"


def test_an_unknown_postcode_is_refused_keeping_what_was_typed(staff_client, postcode_register):
    response = staff_client.post(
        reverse("companies:create"), company_data(postcode="0000", city="Gokk")
    )
    body = response.content.decode()
    assert "Postnummeret 0000 finnes ikke i Postens postnummerregister." in body
    assert "Fjordlys Regnskap AS" in body and 'value="Gokk"' in body
    assert not Company.objects.exists()


def test_the_form_asks_for_the_town_as_the_postcode_is_typed(staff_client):
    body = staff_client.get(reverse("companies:create")).content.decode()
    field = re.search(r'<input[^>]*name="postcode"[^>]*>', body).group(0)
    assert f'hx-get="{reverse("contacts:post_town")}"' in field
    assert 'hx-target="#id_city"' in field


def test_an_administrator_sets_a_companys_customer_number(admin_client):
    company = CompanyFactory()
    admin_client.post(
        reverse("companies:update", args=[company.pk]),
        company_data(name=company.name, customer_number="20001"),
    )
    company.refresh_from_db()
    assert company.customer_number == 20001


def test_staff_cannot_set_a_companys_customer_number(staff_client):
    company = CompanyFactory()
    url = reverse("companies:update", args=[company.pk])
    field = re.search(
        r'<input[^>]*name="customer_number"[^>]*>', staff_client.get(url).content.decode()
    )
    assert "disabled" in field.group(0)
    staff_client.post(url, company_data(name=company.name, customer_number="20001"))
    company.refresh_from_db()
    assert company.customer_number is None


def test_a_number_a_private_customer_has_is_refused_for_a_company(admin_client):
    person = CustomerContactFactory(customer_number=4711)
    response = admin_client.post(reverse("companies:create"), company_data(customer_number="4711"))
    assert response.status_code == 200
    assert (
        f"Kundenummer 4711 er allerede brukt av {person.full_name}." in response.content.decode()
    )
    assert not Company.objects.exists()


def test_a_number_another_company_has_is_refused(admin_client):
    CompanyFactory(name="Eldre AS", customer_number=4711)
    company = CompanyFactory()
    response = admin_client.post(
        reverse("companies:update", args=[company.pk]),
        company_data(name=company.name, customer_number="4711"),
    )
    assert "Kundenummer 4711 er allerede brukt av Eldre AS." in response.content.decode()
    company.refresh_from_db()
    assert company.customer_number is None
