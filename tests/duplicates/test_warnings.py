"""Warn while typing (issue 18, item 1): each signal finds the existing record; near
misses find nothing; a plain POST shows the candidates with «Lagre likevel»."""

import pytest
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db

CHECK_CONTACT = reverse("duplicates:check_contact")
CHECK_COMPANY = reverse("duplicates:check_company")


@pytest.fixture
def ola(db):
    ola = ContactFactory(
        first_name="Ola", last_name="Nordmann", mobile="+4741234567", postcode="5003"
    )
    ContactEmailFactory(contact=ola, email="ola.nordmann@example.no")
    return ola


def _found(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("posted", "reason"),
    [
        ({"emails": "OLA.Nordmann@example.no"}, "samme e-post"),
        ({"mobile": "412 34 567"}, "samme telefon"),
        ({"work_phone": "+47 41 23 45 67"}, "samme telefon"),
        ({"private_phone": "0047-41234567"}, "samme telefon"),
        ({"first_name": "Ola", "last_name": "Nordman", "postcode": "5003"}, "lignende navn"),
    ],
)
def test_each_signal_finds_the_existing_contact(staff_client, ola, posted, reason):
    html = _found(staff_client.post(CHECK_CONTACT, posted))
    assert ola.get_absolute_url() in html
    assert "Ola Nordmann" in html
    assert reason in html


@pytest.mark.parametrize(
    "posted",
    [
        {"emails": "ola.nordman@example.no"},  # one letter off
        {"mobile": "412 34 568"},  # one digit off
        {"first_name": "Ola", "last_name": "Nordman", "postcode": "5004"},  # other postcode
        {"first_name": "Ole", "last_name": "Nordby", "postcode": "5003"},  # another name
        {"first_name": "Kari", "last_name": "Nordmann", "postcode": "5003"},  # the family
        {"last_name": "Nordmann"},  # a name alone, without a postcode
    ],
)
def test_near_misses_find_no_contact(staff_client, ola, posted):
    html = _found(staff_client.post(CHECK_CONTACT, posted))
    assert ola.get_absolute_url() not in html
    assert 'data-testid="lookalikes"' not in html


@pytest.fixture
def hansen_bygg(db):
    return CompanyFactory(
        name="Hansen Bygg AS",
        org_number="988077917",
        phone="+4722334455",
        email="post@hansenbygg.no",
        postcode="0150",
    )


@pytest.mark.parametrize(
    ("posted", "reason"),
    [
        ({"org_number": "988 077 917"}, "samme organisasjonsnummer"),
        ({"phone": "22 33 44 55"}, "samme telefon"),
        ({"email": "Post@HansenBygg.no"}, "samme e-post"),
        ({"name": "Hansen Bygg", "postcode": "0150"}, "lignende navn"),
    ],
)
def test_each_signal_finds_the_existing_company(staff_client, hansen_bygg, posted, reason):
    html = _found(staff_client.post(CHECK_COMPANY, posted))
    assert hansen_bygg.get_absolute_url() in html
    assert reason in html


@pytest.mark.parametrize(
    "posted",
    [
        {"org_number": "974760673"},
        {"phone": "22 33 44 56"},
        {"email": "post@hansenbyg.no"},
        {"name": "Hansen Rør AS", "postcode": "0150"},
        {"name": "Hansen Bygg AS", "postcode": "0151"},
    ],
)
def test_near_misses_find_no_company(staff_client, hansen_bygg, posted):
    html = _found(staff_client.post(CHECK_COMPANY, posted))
    assert 'data-testid="lookalikes"' not in html


def test_new_contact_form_asks_while_typing(staff_client):
    html = staff_client.get(reverse("contacts:create")).content.decode()
    assert f'hx-post="{CHECK_CONTACT}"' in html
    assert 'hx-trigger="input delay:500ms"' in html


def test_plain_post_shows_the_lookalike_and_saves_nothing(staff_client, ola):
    data = {"first_name": "Ola", "last_name": "Nordmann", "mobile": "41234567"}
    response = staff_client.post(reverse("contacts:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert ola.get_absolute_url() in html
    assert "Lagre likevel" in html
    assert Contact.objects.count() == 1


def test_save_anyway_saves_the_new_contact(staff_client, ola):
    data = {"first_name": "Ola", "last_name": "Nordmann", "mobile": "41234567", "save_anyway": "1"}
    response = staff_client.post(reverse("contacts:create"), data)
    assert response.status_code == 302
    assert Contact.objects.filter(last_name="Nordmann").count() == 2


def test_a_contact_like_no_other_saves_at_once(staff_client, ola):
    response = staff_client.post(reverse("contacts:create"), {"last_name": "Aune"})
    assert response.status_code == 302


def test_plain_post_of_a_company_shows_the_lookalike(staff_client, hansen_bygg):
    response = staff_client.post(
        reverse("companies:create"), {"name": "Hansen Bygg", "phone": "22334455"}
    )
    html = response.content.decode()
    assert hansen_bygg.get_absolute_url() in html
    assert "Lagre likevel" in html
    assert Company.objects.count() == 1


def test_a_taken_org_number_is_refused_with_a_link_to_its_company(staff_client, hansen_bygg):
    response = staff_client.post(
        reverse("companies:create"), {"name": "Noe Annet AS", "org_number": "988 077 917"}
    )
    html = response.content.decode()
    assert "En annen bedrift har dette organisasjonsnummeret." in html
    assert hansen_bygg.get_absolute_url() in html
    assert "Lagre likevel" not in html
    assert Company.objects.count() == 1


def test_check_needs_crm_access(client, no_access_user):
    assert client.post(CHECK_CONTACT, {"last_name": "X"}).status_code == 302
    client.force_login(no_access_user)
    assert client.post(CHECK_CONTACT, {"last_name": "X"}).status_code == 403
    assert client.post(CHECK_COMPANY, {"name": "X"}).status_code == 403


@pytest.mark.parametrize(
    "posted",
    [
        {"emails": "@@@," * 500, "mobile": "+" * 300, "postcode": "\x00"},
        {"first_name": "a" * 5000, "last_name": "%_'\"", "postcode": "0150"},
        {"org_number": "x" * 100, "phone": "++47", "email": "a" * 3000, "name": "\u202e"},
    ],
)
def test_hostile_input_never_gives_a_server_error(staff_client, ola, posted):
    assert staff_client.post(CHECK_CONTACT, posted).status_code == 200
    assert staff_client.post(CHECK_COMPANY, posted).status_code == 200


def test_check_costs_a_bounded_number_of_queries(staff_client, ola, django_assert_max_num_queries):
    for _ in range(5):
        ContactFactory(first_name="Ola", last_name="Nordmann", postcode="5003")
    posted = {
        "first_name": "Ola",
        "last_name": "Nordmann",
        "postcode": "5003",
        "emails": "ola.nordmann@example.no",
        "mobile": "41234567",
    }
    with django_assert_max_num_queries(8):
        html = _found(staff_client.post(CHECK_CONTACT, posted))
    assert html.count('data-testid="lookalike"') == 6
