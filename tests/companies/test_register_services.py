"""Storing the register's answer on a company."""

import pytest
from django.core.exceptions import ValidationError

from companies.register import LookupResult, LookupState, RegisterError, get_register
from companies.register.services import (
    company_apply_register,
    company_refresh_from_register,
    company_set_org_number,
)
from history.models import Entry
from tests.companies.factories import CompanyFactory

from .register_stub import BANKRUPT, MAIN, register_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def changes(company) -> list[dict]:
    entries = Entry.objects.filter(company=company, verb="companies.changed").order_by("id")
    return [entry.data["changes"] for entry in entries]


def test_a_check_that_finds_nothing_new_leaves_the_timeline_alone(register_server):  # noqa: F811
    company = CompanyFactory(org_number=MAIN)
    company_refresh_from_register(company=company)
    [first] = changes(company)
    assert "organisation_form" in first and "register_checked_at" not in first
    company_refresh_from_register(company=company)
    assert len(changes(company)) == 1  # asked again: nothing changed, nothing said


def test_the_timeline_names_the_register_status_in_norwegian(staff_client, register_server):  # noqa: F811
    company = CompanyFactory(org_number=MAIN)
    company_refresh_from_register(company=company)
    body = staff_client.get(f"/companies/{company.pk}/history/").content.decode()
    assert "Funnet i registeret" in body
    assert "found" not in body.replace("not_found", "")


def test_going_bankrupt_is_on_the_timeline(register_server):  # noqa: F811
    company = CompanyFactory(org_number=BANKRUPT)
    company_refresh_from_register(company=company)
    assert changes(company)[-1]["bankrupt"] == [False, True]


def test_answer_for_another_number_is_refused(register_server):  # noqa: F811
    company = CompanyFactory(org_number=MAIN)
    result = get_register().lookup(BANKRUPT)
    with pytest.raises(ValidationError):
        company_apply_register(company=company, result=result)


def test_a_number_is_set_only_on_a_company_without_one():
    company = CompanyFactory(org_number=MAIN)
    with pytest.raises(ValidationError):
        company_set_org_number(company=company, org_number=BANKRUPT)
    company.refresh_from_db()
    assert company.org_number == MAIN


def test_no_register_is_a_clear_error(settings):
    settings.COMPANY_REGISTER_BACKEND = ""
    with pytest.raises(RegisterError):
        company_refresh_from_register(company=CompanyFactory(org_number=MAIN))


def test_not_found_keeps_the_last_known_details(register_server):  # noqa: F811
    company = CompanyFactory(org_number=MAIN)
    company_refresh_from_register(company=company)
    company_apply_register(company=company, result=LookupResult(LookupState.NOT_FOUND, MAIN))
    company.refresh_from_db()
    assert company.register_status == "not_found"
    assert company.organisation_form == "AS"
