import datetime
import re

import pytest
from django.urls import reverse

from companies.models import Company, CompanyLink
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db


def company_data(**overrides):
    return {
        "name": "Fjordkraft Regnskap AS",
        "org_number": "988 077 917",
        "phone": "22 33 44 55",
        "email": "post@fjord.no",
        "website": "",
        "street_address": "Bryggen 3",
        "postcode": "5003",
        "city": "Bergen",
        **overrides,
    }


def test_new_customer_is_saved_with_a_compact_org_number(staff_client):
    response = staff_client.post(reverse("companies:create"), company_data())
    company = Company.objects.get()
    assert response.url == company.get_absolute_url()
    assert company.org_number == "988077917"


def test_company_page_shows_org_number_grouped(staff_client):
    company = CompanyFactory(org_number="988077917")
    assert "988 077 917" in staff_client.get(company.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("org_number", "988 077 918", "ikke et gyldig norsk organisasjonsnummer"),
        ("name", "  ", "En bedrift må ha et navn"),
        ("email", "post@", "gyldig e-postadresse"),
        ("phone", "abc", "gyldig telefonnummer"),
    ],
)
def test_bad_company_input_is_refused_keeping_what_was_typed(staff_client, field, value, message):
    response = staff_client.post(reverse("companies:create"), company_data(**{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Bryggen 3" in body
    assert not Company.objects.exists()


def test_company_plus_gives_a_number_from_the_shared_series(staff_client):
    company = CompanyFactory()
    staff_client.post(reverse("companies:make_customer", args=[company.pk]))
    company.refresh_from_db()
    assert company.customer_number >= 10000


def test_link_flow_search_mark_and_add_then_set_position(staff_client):
    contact = ContactFactory()
    company = CompanyFactory(name="Havbruk Nord AS")
    url = reverse("companies:link_company", args=[contact.pk])
    live = staff_client.get(url, {"q": "havbruk"}, headers={"HX-Request": "true"}).content.decode()
    assert "Havbruk Nord AS" in live and "<html" not in live
    response = staff_client.post(url, {"company": company.pk})
    link = CompanyLink.objects.get(contact=contact, company=company)
    assert response.url == reverse("companies:link_update", args=[link.pk])
    staff_client.post(
        response.url,
        {
            "position": "Økonomisjef",
            "work_phone": "",
            "mobile": "",
            "email": "",
            "start_date": "01.02.2024",
            "end_date": "",
        },
    )
    link.refresh_from_db()
    assert link.position == "Økonomisjef"
    assert link.start_date.isoformat() == "2024-02-01"
    tab = staff_client.get(
        reverse("contacts:tab", args=[contact.pk, "companies"])
    ).content.decode()
    assert "Havbruk Nord AS" in tab and "Økonomisjef" in tab


def test_adding_without_marking_a_company_says_so(staff_client):
    contact = ContactFactory()
    response = staff_client.post(reverse("companies:link_company", args=[contact.pk]), {})
    assert response.status_code == 400
    assert "Merk en bedrift i listen først" in response.content.decode()


def test_linking_the_same_company_twice_is_refused_with_a_message(staff_client):
    link = CompanyLinkFactory()
    response = staff_client.post(
        reverse("companies:link_company", args=[link.contact.pk]), {"company": link.company.pk}
    )
    assert response.status_code == 400
    assert "allerede koblet" in response.content.decode()
    assert CompanyLink.objects.count() == 1


def test_new_customer_in_the_link_flow_creates_and_links_the_company(staff_client):
    contact = ContactFactory()
    url = reverse("companies:create") + f"?link_contact={contact.pk}"
    response = staff_client.post(url, company_data(name="Ny Bedrift AS"))
    link = CompanyLink.objects.get(contact=contact, company__name="Ny Bedrift AS")
    assert response.url == reverse("companies:link_update", args=[link.pk])


def test_ending_a_link_keeps_it_as_former_listed_after_current(staff_client):
    contact = ContactFactory()
    former = CompanyLinkFactory(contact=contact, company__name="Aaa Gammel AS")
    CompanyLinkFactory(contact=contact, company__name="Zzz Ny AS")
    staff_client.post(
        reverse("companies:link_update", args=[former.pk]),
        {"position": "Selger", "start_date": "01.01.2019", "end_date": "31.12.2021"},
    )
    tab = staff_client.get(
        reverse("contacts:tab", args=[contact.pk, "companies"])
    ).content.decode()
    assert tab.index("Zzz Ny AS") < tab.index("Aaa Gammel AS")
    assert "Tidligere" in tab


def test_end_date_before_start_date_is_refused(staff_client):
    link = CompanyLinkFactory()
    response = staff_client.post(
        reverse("companies:link_update", args=[link.pk]),
        {"position": "x", "start_date": "01.01.2024", "end_date": "01.01.2023"},
    )
    assert response.status_code == 200
    assert "Til-dato kan ikke være før fra-dato" in response.content.decode()


def test_removing_a_link_asks_for_confirmation(staff_client):
    link = CompanyLinkFactory()
    url = reverse("companies:link_delete", args=[link.pk])
    assert "Fjerne koblingen" in staff_client.get(url).content.decode()
    assert CompanyLink.objects.filter(pk=link.pk).exists()
    staff_client.post(url)
    assert not CompanyLink.objects.filter(pk=link.pk).exists()


def test_company_page_links_a_person_the_other_way_round(staff_client):
    company = CompanyFactory()
    contact = ContactFactory(last_name="Thorhansen")
    url = reverse("companies:link_contact", args=[company.pk])
    assert "Thorhansen" in staff_client.get(url, {"q": "hanse"}).content.decode()
    staff_client.post(url, {"contact": contact.pk})
    assert CompanyLink.objects.filter(company=company, contact=contact).exists()


def test_link_person_search_tells_namesakes_apart_by_email(staff_client):
    company = CompanyFactory()
    for email in ("arne@havbruk.no", "arne@fjordlys.no"):
        ContactEmailFactory(
            contact=ContactFactory(first_name="Arne", last_name="Johansen"), email=email
        )
    url = reverse("companies:link_contact", args=[company.pk])
    text = staff_client.get(url, {"q": "johansen"}, headers={"HX-Request": "true"}).content
    assert "arne@havbruk.no" in text.decode() and "arne@fjordlys.no" in text.decode()


@pytest.mark.parametrize("people", [1, 200])
def test_company_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, people
):
    client.force_login(UserFactory())
    company = CompanyFactory()
    CompanyLinkFactory.create_batch(people, company=company)
    with django_assert_max_num_queries(12):
        assert client.get(company.get_absolute_url()).status_code == 200


def test_company_people_tab_pages_long_lists(staff_client):
    company = CompanyFactory()
    for i in range(30):
        CompanyLinkFactory(company=company, contact=ContactFactory(last_name=f"Ansatt{i:02d}"))
    url = reverse("companies:tab", args=[company.pk, "people"])
    first = staff_client.get(url).content.decode()
    assert "Ansatt00" in first and "Ansatt24" in first and "Ansatt25" not in first
    assert f"{url}?page=2" in first
    second = staff_client.get(url, {"page": 2}, headers={"HX-Request": "true"}).content.decode()
    assert "Ansatt25" in second and "Ansatt29" in second and "Ansatt24" not in second
    assert "Side 2 av 2" in second


# --- «Knytt mot bedrift» / «Koble person» on the one picker (crm/picker.py) --------------


def _chip(pk, name) -> str:
    return f'<input type="hidden" name="{name}" value="{pk}">'


def test_link_company_search_without_javascript_keeps_the_chosen_company(staff_client):
    contact = ContactFactory()
    havbruk = CompanyFactory(name="Havbruk Nord AS")
    fjord = CompanyFactory(name="Fjordlys AS")
    url = reverse("companies:link_company", args=[contact.pk])
    response = staff_client.post(
        url, {"company": [havbruk.pk], "q": "fjordlys", "picker_search": "company"}
    )
    text = response.content.decode()
    assert response.status_code == 200 and not CompanyLink.objects.exists()
    assert _chip(havbruk.pk, "company") in text
    assert f'name="company" value="{fjord.pk}"' in text
    assert "?link_contact=" in text and "name=fjordlys" in text  # «Ny kunde» keeps the name
    # A company ticked below the chip replaces it.
    response = staff_client.post(url, {"company": [havbruk.pk, fjord.pk]})
    link = CompanyLink.objects.get(contact=contact)
    assert link.company == fjord
    assert response.url == reverse("companies:link_update", args=[link.pk])


def test_link_contact_search_without_javascript_keeps_the_chosen_person(staff_client):
    company = CompanyFactory()
    arne = ContactFactory(first_name="Arne", last_name="Johansen")
    andrea = ContactFactory(first_name="Andrea", last_name="Thorsen")
    url = reverse("companies:link_contact", args=[company.pk])
    response = staff_client.post(
        url, {"contact": [arne.pk], "q": "thorsen", "picker_search": "contact"}
    )
    text = response.content.decode()
    assert response.status_code == 200 and not CompanyLink.objects.exists()
    assert _chip(arne.pk, "contact") in text
    assert f'name="contact" value="{andrea.pk}"' in text
    staff_client.post(url, {"contact": [arne.pk], "contact_unpick": [arne.pk]})
    assert not CompanyLink.objects.exists()
    staff_client.post(url, {"contact": [arne.pk]})
    assert CompanyLink.objects.get().contact == arne


def test_link_dates_use_the_browsers_date_picker_and_keep_what_was_typed(staff_client):
    link = CompanyLinkFactory(start_date=datetime.date(2024, 2, 1))
    url = reverse("companies:link_update", args=[link.pk])
    form = staff_client.get(url).content.decode()
    assert re.search(r'<input type="date" name="start_date" value="2024-02-01"', form)
    assert re.search(r'<input type="date" name="end_date"', form)
    # The picker sends ISO dates; a refused form shows them again as they were chosen.
    response = staff_client.post(
        url, {"position": "x", "start_date": "2024-03-01", "end_date": "2024-01-01"}
    )
    assert 'name="start_date" value="2024-03-01"' in response.content.decode()
    staff_client.post(url, {"position": "x", "start_date": "2024-03-01", "end_date": ""})
    link.refresh_from_db()
    assert link.start_date == datetime.date(2024, 3, 1)
