"""Addresses abroad on contacts (issue #17, item 5): the country, postcodes per country,
the post town from Posten's register, phones in any country's format."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def contact_data(**overrides):
    return {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "emails": "",
        "mobile": "",
        "work_phone": "",
        "private_phone": "",
        "street_address": "Storgata 1",
        "postcode": "0150",
        "city": "",
        "country": "NO",
        "website": "",
        "notes": "",
        **overrides,
    }


def test_new_contact_form_offers_countries_in_norwegian_with_norway_first_and_chosen(
    staff_client,
):
    body = staff_client.get(reverse("contacts:create")).content.decode()
    select = body[
        body.index('name="country"') : body.index("</select>", body.index('name="country"'))
    ]
    first_option = select[select.index("<option") : select.index("</option>")]
    assert 'value="NO"' in first_option and "selected" in first_option and "Norge" in first_option
    assert ">Sverige<" in select and ">Tyskland<" in select


def test_swedish_customer_is_saved_as_typed(staff_client, postcode_register):
    response = staff_client.post(
        reverse("contacts:create"),
        contact_data(
            first_name="Astrid",
            last_name="Lindqvist",
            street_address="Drottninggatan 12",
            postcode="111 51",
            city="Stockholm",
            country="SE",
            # A Swedish mobile typed the Swedish way: read as Swedish, not Norwegian.
            mobile="070-123 45 67",
            work_phone="+46 8 123 456 78",
        ),
        follow=True,
    )
    contact = Contact.objects.get()
    assert (contact.postcode, contact.city, contact.country) == ("111 51", "Stockholm", "SE")
    assert contact.mobile.as_e164 == "+46701234567"
    assert contact.work_phone.as_e164 == "+46812345678"
    body = response.content.decode()
    assert "111 51 Stockholm" in body and "Sverige" in body


def test_german_customer_is_saved_as_typed(staff_client, postcode_register):
    staff_client.post(
        reverse("contacts:create"),
        contact_data(
            last_name="Müller",
            street_address="Friedrichstraße 43",
            postcode="10117",
            city="Berlin",
            country="DE",
            mobile="+49 151 23456789",
        ),
    )
    contact = Contact.objects.get()
    assert (contact.postcode, contact.city, contact.country) == ("10117", "Berlin", "DE")
    assert contact.mobile.as_e164 == "+4915123456789"


def test_a_norwegian_phone_with_country_code_is_kept_for_a_customer_abroad(staff_client):
    staff_client.post(
        reverse("contacts:create"),
        contact_data(postcode="10117", city="Berlin", country="DE", mobile="+47 412 34 567"),
    )
    assert Contact.objects.get().mobile.as_e164 == "+4741234567"


@pytest.mark.parametrize(
    ("country", "postcode", "message"),
    [
        ("NO", "12345", "fire sifre"),
        ("NO", "015", "fire sifre"),
        ("NO", "O150", "fire sifre"),
        ("SE", "1234", "123 45"),
        ("DE", "1011", "10115"),
        ("GB", "12345", "SW1A 1AA"),
        ("BR", "<b>x</b>", "bare bokstaver, sifre"),
    ],
)
def test_a_postcode_that_does_not_fit_the_country_is_refused_keeping_what_was_typed(
    staff_client, postcode_register, country, postcode, message
):
    response = staff_client.post(
        reverse("contacts:create"),
        contact_data(postcode=postcode, city="Et sted", country=country),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Storgata 1" in body and "Et sted" in body
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("country", "postcode"),
    [("GB", "SW1A 1AA"), ("NL", "1012 AB"), ("PL", "00-950"), ("BR", "01310-100"), ("IE", "")],
)
def test_postcodes_abroad_in_their_own_format_are_accepted(
    staff_client, postcode_register, country, postcode
):
    staff_client.post(
        reverse("contacts:create"), contact_data(postcode=postcode, city="By", country=country)
    )
    assert Contact.objects.get().postcode == postcode


def test_an_empty_post_town_is_filled_from_the_register_on_saving(staff_client, postcode_register):
    staff_client.post(reverse("contacts:create"), contact_data(postcode="7010", city=""))
    assert Contact.objects.get().city == "TRONDHEIM"


def test_a_post_town_typed_by_hand_is_kept(staff_client, postcode_register):
    staff_client.post(reverse("contacts:create"), contact_data(postcode="9008", city="Tromsø"))
    assert Contact.objects.get().city == "Tromsø"


def test_an_unknown_norwegian_postcode_is_refused_keeping_what_was_typed(
    staff_client, postcode_register
):
    response = staff_client.post(
        reverse("contacts:create"), contact_data(postcode="0000", city="Gokk")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Postnummeret 0000 finnes ikke i Postens postnummerregister." in body
    assert 'value="0000"' in body and 'value="Gokk"' in body and "Storgata 1" in body
    assert not Contact.objects.exists()


def test_a_form_posted_without_a_country_means_norway(staff_client, postcode_register):
    data = contact_data(postcode="4006")
    del data["country"]
    staff_client.post(reverse("contacts:create"), data)
    contact = Contact.objects.get()
    assert (contact.country, contact.city) == ("NO", "STAVANGER")


def test_a_country_that_does_not_exist_is_refused(staff_client):
    response = staff_client.post(reverse("contacts:create"), contact_data(country="XX"))
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not Contact.objects.exists()


def test_edit_form_shows_the_contacts_country(staff_client):
    contact = ContactFactory(country="DE", postcode="10117", city="Berlin")
    body = staff_client.get(reverse("contacts:update", args=[contact.pk])).content.decode()
    assert '<option value="DE" selected>Tyskland</option>' in body


def test_card_names_the_country_of_an_address_abroad_only(staff_client):
    abroad = ContactFactory(country="SE", postcode="111 51", city="Stockholm")
    home = ContactFactory(country="NO", postcode="0150", city="OSLO")
    assert "Sverige" in staff_client.get(abroad.get_absolute_url()).content.decode()
    assert (
        'data-testid="country"' not in staff_client.get(home.get_absolute_url()).content.decode()
    )


def test_moving_a_contact_abroad_keeps_the_new_address(staff_client, postcode_register):
    contact = ContactFactory(country="NO", postcode="0150", city="OSLO")
    staff_client.post(
        reverse("contacts:update", args=[contact.pk]),
        contact_data(
            first_name=contact.first_name,
            last_name=contact.last_name,
            postcode="2100",
            city="København Ø",
            country="DK",
        ),
    )
    contact.refresh_from_db()
    assert (contact.postcode, contact.city, contact.country) == ("2100", "København Ø", "DK")


def test_a_postcode_posten_has_retired_does_not_stop_other_changes(
    staff_client, postcode_register
):
    # Saved before the register dropped it; the user only changes the phone.
    contact = ContactFactory(country="NO", postcode="0000", city="GOKK")
    response = staff_client.post(
        reverse("contacts:update", args=[contact.pk]),
        contact_data(
            first_name=contact.first_name,
            last_name=contact.last_name,
            postcode="0000",
            city="GOKK",
            mobile="412 34 567",
        ),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.mobile.as_e164 == "+4741234567"
