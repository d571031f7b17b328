"""The HTTP backend against a local server serving the register's recorded answers."""

import datetime
import time

import pytest

from companies.register import LookupState, RegisterError, get_register
from companies.register.http import RegisterBackend

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


@pytest.fixture
def backend(register_server):  # noqa: F811
    return get_register()


def test_backend_comes_from_settings(register_server):  # noqa: F811
    assert isinstance(get_register(), RegisterBackend)


def test_register_is_off_when_no_backend_is_set(settings):
    settings.COMPANY_REGISTER_BACKEND = ""
    assert get_register() is None


def test_main_unit_is_found_with_its_details(backend):
    result = backend.lookup(MAIN)
    assert result.state == LookupState.FOUND
    unit = result.unit
    assert (unit.org_number, unit.name, unit.is_branch) == (MAIN, "NORDLYS BYGG AS", False)
    assert (unit.organisation_form, unit.organisation_form_text) == ("AS", "Aksjeselskap")
    assert (unit.industry_code, unit.industry_text) == ("41.200", "Oppføring av bygninger")
    assert unit.mva_registered and not unit.bankrupt and not unit.dissolved
    assert str(unit.postal_address) == "Postboks 123 Sentrum, 5804 BERGEN"
    assert unit.business_address.street == "Strandkaien 2, 3. etasje"
    assert unit.business_address.postcode == "5013"
    assert unit.website == "www.nordlysbygg.no"
    assert RegisterHandler.received == [f"/enhetsregisteret/api/enheter/{MAIN}"]


def test_branch_is_found_with_its_main_unit(backend):
    result = backend.lookup(BRANCH)
    assert result.found
    assert result.unit.is_branch
    assert result.unit.parent_org_number == MAIN
    assert result.unit.business_address.city == "BERGEN"  # where it is («beliggenhet»)
    assert RegisterHandler.received[-1] == f"/enhetsregisteret/api/underenheter/{BRANCH}"


def test_unknown_number_is_not_found(backend):
    result = backend.lookup(MISSING)
    assert result.state == LookupState.NOT_FOUND
    assert result.unit is None


def test_unit_removed_from_public_view_is_reported_as_removed_not_as_missing(backend):
    result = backend.lookup(REMOVED)
    assert result.state == LookupState.REMOVED
    assert result.unit is None


def test_dissolved_company_has_its_deletion_date(backend):
    unit = backend.lookup(DISSOLVED).unit
    assert unit.dissolved
    assert unit.deleted_on == datetime.date(2021, 6, 30)
    assert not unit.mva_registered


def test_bankrupt_company_is_bankrupt_and_under_liquidation(backend):
    unit = backend.lookup(BANKRUPT).unit
    assert unit.bankrupt and unit.under_liquidation
    assert unit.website == ""


def test_name_search_lists_main_units(backend):
    units = backend.search("nordlys")
    assert [u.org_number for u in units] == [MAIN, BANKRUPT]
    assert RegisterHandler.received == ["/enhetsregisteret/api/enheter?navn=nordlys&size=20"]


def test_name_search_without_hits_is_empty(backend):
    assert backend.search("ingen slik bedrift") == []


def test_branches_of_a_main_unit(backend):
    assert [u.org_number for u in backend.branches(MAIN)] == [BRANCH, BRANCH_2]


def test_timeout_is_a_clear_error(backend):
    started = time.monotonic()
    with pytest.raises(RegisterError) as error:
        backend.lookup(SLOW)
    assert time.monotonic() - started < 1.4
    assert "0.5" in str(error.value)
    assert "Enhetsregisteret" in str(error.value)


def test_invalid_numbers_never_reach_the_register(backend):
    for value in ("12345678", "912345689", "abcdefghi", "9" * 10_000, "\x00"):
        assert backend.lookup(value).state == LookupState.NOT_FOUND
        assert backend.branches(value) == []
    assert RegisterHandler.received == []


def test_huge_name_is_cut_before_it_is_sent(backend):
    assert backend.search("x" * 100_000) == []
    [path] = RegisterHandler.received
    assert len(path) < 300


def test_the_guard_refuses_the_register_on_an_internal_address(backend, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(RegisterError, match="intern adresse"):
        backend.lookup(MAIN)
    assert RegisterHandler.received == []


def test_unconfigured_url_is_a_clear_error():
    with pytest.raises(RegisterError, match="COMPANY_REGISTER_URL"):
        RegisterBackend(url="", timeout=1).lookup(MAIN)
