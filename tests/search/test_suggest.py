"""The typing dropdown (search:suggest): the first hits of the panel's search, uncounted."""

import pytest
from django.urls import reverse

from tests.activities.factories import NoteFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = reverse("search:suggest")


def options(response) -> list[str]:
    return [hit.last_name for hit in response.context["result"].hits]


def test_anonymous_goes_to_login(client):
    response = client.get(URL, {"q": "han"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_no_crm_access_is_403(client, no_access_user):
    client.force_login(no_access_user)
    assert client.get(URL, {"q": "han"}).status_code == 403


def test_the_first_eight_hits_in_name_order_and_a_link_to_all(staff_client):
    for i in range(12):
        ContactFactory(last_name=f"Hansen{i:02d}")
    ContactFactory(last_name="Olsen")
    response = staff_client.get(URL, {"q": "hans"})
    assert response.status_code == 200
    assert options(response) == [f"Hansen{i:02d}" for i in range(8)]
    text = response.text
    assert text.count('role="option"') == 9
    assert 'data-href="/search/?q=hans"' in text
    assert "Vis alle treff" in text


def test_the_matched_letters_are_marked_and_the_name_escaped(staff_client):
    ContactFactory(last_name="<i>Johansen</i>", first_name="Hanne")
    text = staff_client.get(URL, {"q": "han"}).text
    assert "&lt;i&gt;Jo<mark>han</mark>sen&lt;/i&gt;, <mark>Han</mark>ne" in text


def test_the_contacts_company_is_shown(staff_client):
    contact = ContactFactory(last_name="Hansen")
    CompanyLinkFactory(contact=contact, company=CompanyFactory(name="Fjord AS"))
    assert "Fjord AS" in staff_client.get(URL, {"q": "han"}).text


def test_company_search_suggests_companies(staff_client):
    company = CompanyFactory(name="Hansen Bygg AS")
    text = staff_client.get(URL, {"q": "bygg", "kind": "company"}).text
    assert f'data-href="/companies/{company.pk}/"' in text


def test_the_panels_narrowing_applies(staff_client, staff):
    ContactFactory(last_name="Hansen", owner=staff)
    ContactFactory(last_name="Hanssen")
    assert options(staff_client.get(URL, {"q": "hans", "selection": "mine"})) == ["Hansen"]


def test_no_hits_says_so(staff_client):
    response = staff_client.get(URL, {"q": "qxz"})
    assert "Ingen treff." in response.text
    assert 'href="/search/' not in response.text


def test_an_empty_field_gives_no_options(staff_client):
    ContactFactory(last_name="Hansen")
    response = staff_client.get(URL, {"q": "  "})
    assert response.status_code == 200
    assert 'role="option"' not in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 500},
        {"q": "ab", "type": "email"},
        {"q": "han", "kind": "nonsense"},
        {"q": "han", "category": "not-a-number"},
        {"q": "\x00"},
    ],
)
def test_bad_input_is_a_message_not_an_error(staff_client, params):
    assert staff_client.get(URL, params).status_code == 200


def test_a_note_search_never_suggests_through_anothers_private_note(staff_client, other_staff):
    NoteFactory(
        contact=ContactFactory(last_name="Hemmelig"),
        text="Julebord",
        private=True,
        author=other_staff,
    )
    response = staff_client.get(URL, {"q": "julebord", "type": "note"})
    assert options(response) == []


def test_the_dropdown_reads_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    for i in range(30):
        ContactFactory(last_name=f"Hansen{i}")
    with django_assert_max_num_queries(6):
        response = staff_client.get(URL, {"q": "han"})
    assert len(options(response)) == 8


def test_nothing_is_counted(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(60):
        ContactFactory(last_name=f"Hansen{i}")
    with CaptureQueriesContext(connection) as captured:
        staff_client.get(URL, {"q": "han"})
    assert not [q for q in captured if "COUNT(" in q["sql"].upper()]
