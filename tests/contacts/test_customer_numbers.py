"""Customer numbers set by hand (issue #17): administrators only, unique across contacts
and companies, the series going on above them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from companies.models import Company
from contacts import customer_numbers, services
from contacts.models import Contact
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory, CustomerContactFactory
from tests.contacts.test_addresses import contact_data
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, firm_admin):
    client.force_login(firm_admin)
    return client


def test_an_administrator_gives_a_new_contact_the_number_from_the_old_system(admin_client):
    response = admin_client.post(
        reverse("contacts:create"), contact_data(customer_number="4711"), follow=True
    )
    contact = Contact.objects.get()
    assert contact.customer_number == 4711
    assert "Privatkunde" in response.content.decode()


def test_an_administrator_changes_a_customer_number(admin_client):
    contact = CustomerContactFactory(customer_number=12345)
    admin_client.post(
        reverse("contacts:update", args=[contact.pk]),
        contact_data(
            first_name=contact.first_name, last_name=contact.last_name, customer_number="777"
        ),
    )
    contact.refresh_from_db()
    assert contact.customer_number == 777


def test_staff_see_the_number_but_cannot_set_it(staff_client):
    contact = CustomerContactFactory(customer_number=12345)
    url = reverse("contacts:update", args=[contact.pk])
    form = staff_client.get(url).content.decode()
    field = re.search(r'<input[^>]*name="customer_number"[^>]*>', form).group(0)
    assert 'value="12345"' in field and "disabled" in field
    assert "Bare en administrator kan sette eller endre kundenummeret." in form

    staff_client.post(
        url,
        contact_data(
            first_name=contact.first_name, last_name=contact.last_name, customer_number="1"
        ),
    )
    contact.refresh_from_db()
    assert contact.customer_number == 12345


def test_staff_cannot_give_a_new_contact_a_number(staff_client):
    staff_client.post(reverse("contacts:create"), contact_data(customer_number="4711"))
    assert Contact.objects.get().customer_number is None


def test_a_number_a_company_has_is_refused_for_a_contact_keeping_what_was_typed(admin_client):
    CompanyFactory(name="Fjordlys AS", customer_number=4711)
    response = admin_client.post(reverse("contacts:create"), contact_data(customer_number="4711"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kundenummer 4711 er allerede brukt av Fjordlys AS." in body
    assert 'value="4711"' in body and "Storgata 1" in body
    assert not Contact.objects.exists()


def test_a_number_another_contact_has_is_refused(admin_client):
    other = CustomerContactFactory(customer_number=4711)
    contact = ContactFactory()
    response = admin_client.post(
        reverse("contacts:update", args=[contact.pk]),
        contact_data(first_name="A", last_name="B", customer_number="4711"),
    )
    assert f"Kundenummer 4711 er allerede brukt av {other.full_name}." in response.content.decode()
    contact.refresh_from_db()
    assert contact.customer_number is None


def test_keeping_its_own_number_is_no_clash(admin_client):
    contact = CustomerContactFactory(customer_number=4711)
    response = admin_client.post(
        reverse("contacts:update", args=[contact.pk]),
        contact_data(first_name="A", last_name="B", customer_number="4711"),
    )
    assert response.status_code == 302


def test_a_number_cannot_be_removed(admin_client):
    contact = CustomerContactFactory(customer_number=4711)
    response = admin_client.post(
        reverse("contacts:update", args=[contact.pk]),
        contact_data(first_name="A", last_name="B", customer_number=""),
    )
    assert "Et kundenummer kan endres, men ikke fjernes." in response.content.decode()
    contact.refresh_from_db()
    assert contact.customer_number == 4711


@pytest.mark.parametrize("value", ["0", "-5", "1000000000000", "12a", "1e5", "²", "4711.5"])
def test_a_number_that_cannot_be_one_is_refused(admin_client, value):
    response = admin_client.post(reverse("contacts:create"), contact_data(customer_number=value))
    assert response.status_code == 200
    assert "Et kundenummer er et heltall" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_series_goes_on_above_a_number_set_by_hand(admin_client):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [customer_numbers.SEQUENCE])
        high = cursor.fetchone()[0] + 1000
    admin_client.post(reverse("contacts:create"), contact_data(customer_number=str(high)))
    later = services.contact_make_customer(contact=ContactFactory())
    assert later.customer_number == high + 1


def test_a_lower_number_set_by_hand_does_not_turn_the_series_back(admin_client):
    first = services.contact_make_customer(contact=ContactFactory()).customer_number
    admin_client.post(reverse("contacts:create"), contact_data(customer_number="5"))
    assert services.contact_make_customer(contact=ContactFactory()).customer_number > first


def test_the_series_skips_a_number_written_without_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM customer_number_seq")
        upcoming = cursor.fetchone()[0] + 1
    # Written straight to the table (a bulk import), not through the series.
    CompanyFactory(customer_number=upcoming)
    contact = services.contact_make_customer(contact=ContactFactory())
    assert contact.customer_number == upcoming + 1


@pytest.mark.django_db(transaction=True)
def test_a_contact_and_a_company_given_one_number_at_once_by_two_administrators(
    firm_admin, monkeypatch
):
    meet = Rendezvous(2)
    # Both have read the form and reach the check of the number before either saves.
    monkeypatch.setattr(
        customer_numbers,
        "claim_customer_number",
        meet.before(customer_numbers.claim_customer_number),
    )

    def save(url, data):
        def post():
            client = Client()
            client.force_login(firm_admin)
            response = client.post(url, data)
            return response.status_code, response.content.decode()

        return post

    outcomes = race(
        meet,
        save(reverse("contacts:create"), contact_data(customer_number="4711")),
        save(
            reverse("companies:create"),
            {"name": "Fjordlys AS", "country": "NO", "customer_number": "4711"},
        ),
    )

    assert [o.error for o in outcomes] == [None, None]
    statuses = sorted(o.value[0] for o in outcomes)
    assert statuses == [200, 302]  # one saved, one told why; no server error
    refused = next(o.value[1] for o in outcomes if o.value[0] == 200)
    assert "Kundenummer 4711 er allerede brukt av" in refused
    holders = Contact.objects.filter(customer_number=4711).count()
    holders += Company.objects.filter(customer_number=4711).count()
    assert holders == 1


@pytest.mark.django_db(transaction=True)
def test_a_clash_the_lock_did_not_catch_is_still_a_form_error(monkeypatch):
    # Should a writer ever skip the lock, the table's own unique constraint refuses the
    # second number, and the service turns that into the same refusal.
    monkeypatch.setattr(customer_numbers, "_lock", lambda number: None)
    meet = Rendezvous(2)
    monkeypatch.setattr(customer_numbers, "holder_of", meet.after(customer_numbers.holder_of))

    def create(name):
        return lambda: services.contact_create(last_name=name, customer_number=4711)

    outcomes = race(meet, create("Nordmann"), create("Hansen"))

    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert errors[0].message_dict["customer_number"] == ["Kundenummer 4711 er allerede i bruk."]
    assert Contact.objects.filter(customer_number=4711).count() == 1
