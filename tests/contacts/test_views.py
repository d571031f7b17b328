import re

import pytest
from django.test import Client
from django.urls import reverse

from contacts import services
from contacts.models import Contact
from tests.companies.factories import CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, ContactFactory
from tests.crm.factories import UserFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db


def valid_data(**overrides):
    return {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "emails": "kari@firma.no, kari@privat.no",
        "mobile": "412 34 567",
        "work_phone": "",
        "private_phone": "",
        "street_address": "Storgata 1",
        "postcode": "0155",
        "city": "Oslo",
        "website": "https://kari.no",
        "notes": "",
        **overrides,
    }


def test_new_contact_is_saved_and_lands_on_its_card_with_the_link_offer(staff_client):
    response = staff_client.post(reverse("contacts:create"), valid_data(), follow=True)
    contact = Contact.objects.get()
    assert response.redirect_chain[-1][0] == f"{contact.get_absolute_url()}?saved=1"
    assert contact.mobile.as_e164 == "+4741234567"
    assert [e.email for e in contact.emails.all()] == ["kari@firma.no", "kari@privat.no"]
    assert reverse("companies:link_company", args=[contact.pk]) in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emails", "kari@", "er ikke en gyldig e-postadresse"),
        ("mobile", "12", "gyldig telefonnummer"),
        ("last_name", "", "En kontakt må ha et etternavn"),
        ("last_name", "   ", "En kontakt må ha et etternavn"),
        ("first_name", "x" * 101, "100 eller færre tegn"),
        ("postcode", "12345", "fire sifre"),
        ("website", "javascript:alert(1)", "gyldig nettadresse"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_keeping_what_was_typed(
    staff_client, field, value, message
):
    data = valid_data(**{field: value})
    response = staff_client.post(reverse("contacts:create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Storgata 1" in body  # nothing typed is lost
    assert not Contact.objects.exists()


def test_html_in_names_is_shown_escaped_on_the_card(staff_client):
    contact = ContactFactory(last_name="<script>alert(1)</script>")
    body = staff_client.get(contact.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_card_shows_phones_as_tel_links_and_email_as_mailto(staff_client):
    contact = ContactFactory(mobile="+4741234567")
    ContactEmailFactory(contact=contact, email="ola@firma.no")
    body = staff_client.get(contact.get_absolute_url()).content.decode()
    assert 'href="tel:+47-41-23-45-67"' in body or 'href="tel:+4741234567"' in body
    assert 'href="mailto:ola@firma.no"' in body


def test_plus_gives_the_contact_a_customer_number_and_marks_it_private_customer(staff_client):
    contact = ContactFactory()
    response = staff_client.post(reverse("contacts:make_customer", args=[contact.pk]), follow=True)
    contact.refresh_from_db()
    assert contact.customer_number is not None
    body = response.content.decode()
    assert str(contact.customer_number) in body
    assert "Privatkunde" in body


def test_plus_right_after_saving_keeps_the_offer_to_link_a_company(staff_client):
    contact = ContactFactory()
    card = staff_client.get(f"{contact.get_absolute_url()}?saved=1").content.decode()
    offer = "Jobber personen i en bedrift?"
    assert offer in card
    assert 'name="saved" value="1"' in card  # the «+» form carries it on
    response = staff_client.post(
        reverse("contacts:make_customer", args=[contact.pk]), {"saved": "1"}, follow=True
    )
    assert offer in response.content.decode()


def test_plus_later_on_makes_no_offer(staff_client):
    contact = ContactFactory()
    assert 'name="saved"' not in staff_client.get(contact.get_absolute_url()).content.decode()
    response = staff_client.post(reverse("contacts:make_customer", args=[contact.pk]), follow=True)
    assert "Jobber personen i en bedrift?" not in response.content.decode()


def test_plus_only_answers_post(staff_client):
    contact = ContactFactory()
    assert (
        staff_client.get(reverse("contacts:make_customer", args=[contact.pk])).status_code == 405
    )


@pytest.mark.django_db(transaction=True)
def test_two_tabs_pressing_plus_at_once_give_one_number(staff, monkeypatch):
    contact = ContactFactory()
    url = reverse("contacts:make_customer", args=[contact.pk])
    meet = Rendezvous(4)
    # Each press waits after reading the contact until the others have read it too, or
    # are held back by the row lock (tests/races.py).
    monkeypatch.setattr(
        services, "next_customer_number", meet.before(services.next_customer_number)
    )

    def press():
        client = Client()
        client.force_login(staff)
        response = client.post(url, follow=True)
        # From the page: the test client's captured contexts mix threads.
        alerts = re.findall(r'role="alert">\s*(.*?)\s*<button', response.content.decode())
        return response.status_code, alerts

    outcomes = race(meet, *[press] * 4)

    contact.refresh_from_db()
    shown = [message for o in outcomes for message in o.value[1]]
    assert [o.value[0] for o in outcomes] == [200] * 4
    # Every tab that tells the number tells the one the card keeps.
    assert shown and all(str(contact.customer_number) in message for message in shown)


def test_edit_saves_changes_and_keeps_emails(staff_client):
    contact = ContactFactory(city="Oslo")
    ContactEmailFactory(contact=contact, email="a@b.no")
    form = staff_client.get(reverse("contacts:update", args=[contact.pk])).content.decode()
    assert 'value="a@b.no"' in form
    staff_client.post(
        reverse("contacts:update", args=[contact.pk]),
        valid_data(
            first_name=contact.first_name,
            last_name=contact.last_name,
            emails="a@b.no",
            city="Tromsø",
        ),
    )
    contact.refresh_from_db()
    assert contact.city == "Tromsø"
    assert [e.email for e in contact.emails.all()] == ["a@b.no"]


def test_delete_asks_first_and_says_what_goes_with_it(staff_client):
    link = CompanyLinkFactory()
    url = reverse("contacts:delete", args=[link.contact.pk])
    body = staff_client.get(url).content.decode()
    assert "<li>1 bedriftskobling</li>" in body
    assert Contact.objects.filter(pk=link.contact.pk).exists()
    staff_client.post(url)
    assert not Contact.objects.filter(pk=link.contact.pk).exists()
    assert link.company.__class__.objects.filter(pk=link.company.pk).exists()


def test_unknown_tab_is_404(staff_client):
    contact = ContactFactory()
    assert staff_client.get(f"/contacts/{contact.pk}/nosuchtab/").status_code == 404


def test_htmx_tab_request_returns_only_the_panel(staff_client):
    link = CompanyLinkFactory(position="Regnskapsfører")
    url = reverse("contacts:tab", args=[link.contact.pk, "companies"])
    fragment = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="tab-panel"')
    assert "Regnskapsfører" in fragment
    full = staff_client.get(url).content.decode()
    assert "<html" in full and "Regnskapsfører" in full


@pytest.mark.parametrize("links", [1, 200])
def test_card_and_companies_tab_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, links
):
    user = UserFactory()
    client.force_login(user)
    contact = ContactFactory()
    ContactEmailFactory(contact=contact)
    contact.categories.add(CategoryFactory())
    CompanyLinkFactory.create_batch(links, contact=contact)
    with django_assert_max_num_queries(12):
        assert client.get(contact.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("contacts:tab", args=[contact.pk, "companies"]), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200


def test_a_customer_with_orders_cannot_be_deleted_and_the_page_says_why(staff_client):
    from tests.orders.factories import OrderFactory

    order = OrderFactory()
    url = reverse("contacts:delete", args=[order.contact.pk])
    page = staff_client.get(url).content.decode()
    assert "kan ikke slettes" in page and "Ja, slett" not in page
    response = staff_client.post(url)
    assert response.status_code == 409
    assert Contact.objects.filter(pk=order.contact.pk).exists()


def test_many_company_links_are_paginated_current_first(staff_client):
    contact = ContactFactory()
    CompanyLinkFactory.create_batch(30, contact=contact)
    url = reverse("contacts:tab", args=[contact.pk, "companies"])
    first = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert first.count('data-testid="company-link"') == 25
    second = staff_client.get(url, {"page": 2}, headers={"HX-Request": "true"}).content.decode()
    assert second.count('data-testid="company-link"') == 5
