"""The company register on «Ny kunde» and the company page, through the local stub."""

import datetime

import pytest
from django.urls import reverse

from companies.models import Company, RegisterStatus
from tests.companies.factories import CompanyFactory

from .register_stub import (
    BANKRUPT,
    BRANCH,
    BRANCH_2,
    DISSOLVED,
    MAIN,
    MISSING,
    REMOVED,
    SLOW,
    RegisterHandler,
    register_server,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("companies:register_search")


def refresh_url(company):
    return reverse("companies:register_refresh", args=[company.pk])


# --- access ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    company = CompanyFactory(org_number=MAIN)
    for response in (
        client.get(SEARCH, {"q": "nordlys"}),
        client.post(refresh_url(company)),
    ):
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_user_without_crm_access_gets_403(client, no_access_user, register_server):  # noqa: F811
    client.force_login(no_access_user)
    company = CompanyFactory(org_number=MAIN)
    assert client.get(SEARCH, {"q": "nordlys"}).status_code == 403
    assert client.post(refresh_url(company)).status_code == 403
    assert RegisterHandler.received == []


def test_refresh_is_post_only(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=MAIN)
    assert staff_client.get(refresh_url(company)).status_code == 405
    assert (
        staff_client.post(reverse("companies:register_refresh", args=[999999])).status_code == 404
    )


# --- the search page ------------------------------------------------------------------


def test_name_search_lists_units_with_a_use_link_that_fills_in_new_customer(
    staff_client,
    register_server,  # noqa: F811
):
    body = staff_client.get(SEARCH, {"q": "nordlys"}).content.decode()
    assert "NORDLYS BYGG AS" in body and "NORDLYS KONKURSBO AS" in body
    assert "Konkurs" in body
    assert "/companies/new/?name=NORDLYS+BYGG+AS&amp;org_number=912345688" in body
    # «Bruk» opens «Ny kunde» filled in, without JavaScript.
    form = staff_client.get(
        reverse("companies:create"),
        {
            "name": "NORDLYS BYGG AS",
            "org_number": MAIN,
            "street_address": "Postboks 123 Sentrum",
            "postcode": "5804",
            "city": "BERGEN",
            "website": "www.nordlysbygg.no",
        },
    ).content.decode()
    assert 'value="NORDLYS BYGG AS"' in form and 'value="912345688"' in form
    assert 'value="Postboks 123 Sentrum"' in form and 'value="5804"' in form


def test_htmx_search_answers_the_list_only(staff_client, register_server):  # noqa: F811
    response = staff_client.get(SEARCH, {"q": "nordlys"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "NORDLYS BYGG AS" in body
    assert "<html" not in body


def test_org_number_finds_a_branch_with_its_main_unit(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"q": "912 345 696"}).content.decode()
    assert "NORDLYS BYGG AS AVD BERGEN" in body
    assert "Underenhet" in body and "912 345 688" in body


def test_main_unit_lists_its_branches(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"parent": MAIN}).content.decode()
    assert "Underenheter av NORDLYS BYGG AS (912 345 688)" in body
    assert BRANCH in body and BRANCH_2 in body


def test_removed_unit_is_said_to_be_removed_not_missing(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"q": REMOVED}).content.decode()
    assert "fjernet 912 345 726 fra offentlig innsyn" in body
    assert "har ingen enhet" not in body


def test_unknown_number_is_not_found(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"q": MISSING}).content.decode()
    assert "Enhetsregisteret har ingen enhet med nummer 912 345 734" in body


def test_dissolved_unit_shows_its_deletion(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"q": DISSOLVED}).content.decode()
    assert "GAMLE NORDLYS HANDEL AS" in body and "Slettet 30.06.2021" in body


def test_timeout_is_a_message_not_an_error_page(staff_client, register_server):  # noqa: F811
    response = staff_client.get(SEARCH, {"q": SLOW})
    assert response.status_code == 200
    assert "svarte ikke innen 0.5 sekunder" in response.content.decode()


@pytest.mark.parametrize(
    "term",
    ["912345689", "12a45678b9", "9" * 50, "x" * 100_000, "nordlys\x00", "%", ""],
)
def test_hostile_input_never_gives_a_server_error(staff_client, register_server, term):  # noqa: F811
    for params in ({"q": term}, {"parent": term}, {"q": term, "company": term}):
        assert staff_client.get(SEARCH, params).status_code in (200, 404)


def test_what_was_typed_is_shown_escaped(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_invalid_check_digit_is_said_so(staff_client, register_server):  # noqa: F811
    body = staff_client.get(SEARCH, {"q": "912345689"}).content.decode()
    assert "ikke et gyldig norsk organisasjonsnummer" in body
    assert RegisterHandler.received == []


def test_register_switched_off_says_so(staff_client, settings):
    settings.COMPANY_REGISTER_BACKEND = ""
    body = staff_client.get(SEARCH, {"q": "nordlys"}).content.decode()
    assert "Ingen Enhetsregister er satt opp" in body
    assert (
        "Finn i Enhetsregisteret"
        not in staff_client.get(reverse("companies:create")).content.decode()
    )


# --- the company page -----------------------------------------------------------------


def test_refresh_stores_the_register_data_and_the_page_shows_it(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=MAIN, name="Nordlys Bygg", street_address="Egen vei 1")
    response = staff_client.post(refresh_url(company))
    assert response.url == company.get_absolute_url()
    company.refresh_from_db()
    assert company.organisation_form == "AS"
    assert (company.industry_code, company.industry_text) == ("41.200", "Oppføring av bygninger")
    assert company.mva_registered is True
    assert company.business_street_address == "Strandkaien 2, 3. etasje"
    assert company.register_status == RegisterStatus.FOUND
    assert company.register_checked_at is not None
    # What the user keeps is left alone.
    assert (company.name, company.street_address) == ("Nordlys Bygg", "Egen vei 1")
    body = staff_client.get(company.get_absolute_url()).content.decode()
    assert "Opplysningene fra Enhetsregisteret er oppdatert" in body
    assert "Aksjeselskap (AS)" in body and "Strandkaien 2" in body
    assert "Sist sjekket" in body


def test_company_page_offers_refresh_only_with_an_org_number(staff_client, register_server):  # noqa: F811
    with_number = CompanyFactory(org_number=MAIN)
    without = CompanyFactory(org_number="", name="Nordlys")
    assert (
        "Oppdater fra Enhetsregisteret"
        in staff_client.get(with_number.get_absolute_url()).content.decode()
    )
    body = staff_client.get(without.get_absolute_url()).content.decode()
    assert "Oppdater fra Enhetsregisteret" not in body
    assert "Ikke sjekket i Enhetsregisteret" in body
    assert "Finn i Enhetsregisteret" in body


def test_use_on_a_company_page_stores_the_number_and_the_details(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number="", name="Nordlys")
    body = staff_client.get(SEARCH, {"q": "nordlys", "company": company.pk}).content.decode()
    assert refresh_url(company) in body
    staff_client.post(refresh_url(company), {"org_number": MAIN})
    company.refresh_from_db()
    assert company.org_number == MAIN and company.organisation_form == "AS"


def test_refresh_of_a_bankrupt_company(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=BANKRUPT)
    staff_client.post(refresh_url(company))
    company.refresh_from_db()
    assert company.bankrupt and company.under_liquidation
    assert "Konkurs" in staff_client.get(company.get_absolute_url()).content.decode()


def test_refresh_of_a_dissolved_company(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=DISSOLVED)
    staff_client.post(refresh_url(company))
    company.refresh_from_db()
    assert company.dissolved_on == datetime.date(2021, 6, 30)


def test_refresh_of_a_removed_unit_says_removed(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=REMOVED)
    response = staff_client.post(refresh_url(company), follow=True)
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.REMOVED
    body = response.content.decode()
    assert "fjernet 912 345 726 fra offentlig innsyn" in body
    assert "fjernet denne enheten fra offentlig innsyn" in body


def test_refresh_of_a_unit_not_found(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=MISSING)
    body = staff_client.post(refresh_url(company), follow=True).content.decode()
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.NOT_FOUND
    assert "kjenner ikke dette organisasjonsnummeret" in body


def test_refresh_timeout_is_a_message_and_changes_nothing(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=SLOW)
    response = staff_client.post(refresh_url(company), follow=True)
    assert response.status_code == 200
    assert "svarte ikke innen 0.5 sekunder" in response.content.decode()
    company.refresh_from_db()
    assert company.register_checked_at is None


@pytest.mark.parametrize("posted", ["abc", "9" * 100_000, "912345689", "\x00"])
def test_refresh_with_a_hostile_number_is_refused(staff_client, register_server, posted):  # noqa: F811
    company = CompanyFactory(org_number="")
    response = staff_client.post(refresh_url(company), {"org_number": posted}, follow=True)
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.org_number == ""
    assert RegisterHandler.received == []


def test_new_customer_with_an_org_number_gets_the_register_data(staff_client, register_server):  # noqa: F811
    staff_client.post(
        reverse("companies:create"),
        {
            "name": "NORDLYS BYGG AS",
            "org_number": MAIN,
            "street_address": "",
            "postcode": "",
            "city": "",
        },
    )
    company = Company.objects.get()
    assert company.organisation_form == "AS" and company.register_status == RegisterStatus.FOUND


def test_new_customer_is_saved_when_the_register_times_out(staff_client, register_server):  # noqa: F811
    response = staff_client.post(
        reverse("companies:create"), {"name": "Treg AS", "org_number": SLOW}, follow=True
    )
    company = Company.objects.get()
    assert company.register_checked_at is None
    assert "svarte ikke innen" in response.content.decode()


def test_new_customer_prefill_with_hostile_parameters_is_harmless(staff_client):
    response = staff_client.get(
        reverse("companies:create"),
        {
            "name": "Nordlys\x00",
            "org_number": "9" * 100_000,
            "postcode": "<b>",
            "website": "javascript:alert(1)",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "javascript:alert" not in body
    assert "&lt;b&gt;" in body
