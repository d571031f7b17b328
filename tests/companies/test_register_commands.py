"""refresh_companies against the local register stub; load_company_register and the
offline backend answering from what it loaded."""

import csv
import datetime
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from companies.models import OfflineRegisterUnit, RegisterStatus
from companies.register import LookupState, get_register
from tests.companies.factories import CompanyFactory

from .register_stub import (
    ANSWERS,
    BANKRUPT,
    BRANCH,
    BRANCH_2,
    DISSOLVED,
    MAIN,
    MISSING,
    SLOW,
    RegisterHandler,
    register_server,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


# --- refresh_companies ----------------------------------------------------------------


def test_refresh_checks_each_company_and_goes_on_after_a_failure(register_server):  # noqa: F811
    main = CompanyFactory(org_number=MAIN)
    slow = CompanyFactory(org_number=SLOW)
    missing = CompanyFactory(org_number=MISSING)
    bankrupt = CompanyFactory(org_number=BANKRUPT)
    without = CompanyFactory(org_number="")
    output = run("refresh_companies", "--batch", "2")
    assert "2 found, 1 not found, 0 removed from public view, 1 failed" in output
    assert "912345769" in output  # the one that failed is named
    for company in (main, slow, missing, bankrupt, without):
        company.refresh_from_db()
    assert main.register_status == RegisterStatus.FOUND and main.organisation_form == "AS"
    assert bankrupt.bankrupt
    assert missing.register_status == RegisterStatus.NOT_FOUND
    assert slow.register_checked_at is None and without.register_checked_at is None


def test_refresh_again_asks_only_what_is_due(register_server):  # noqa: F811
    CompanyFactory(org_number=MAIN)
    recent = CompanyFactory(org_number=DISSOLVED, register_checked_at=timezone.now())
    old = CompanyFactory(
        org_number=BANKRUPT, register_checked_at=timezone.now() - datetime.timedelta(days=40)
    )
    run("refresh_companies", "--older-than", "30")
    asked = {path.rsplit("/", 1)[-1] for path in RegisterHandler.received}
    assert asked == {MAIN, BANKRUPT}
    RegisterHandler.received = []
    run("refresh_companies")  # everything is fresh now
    assert RegisterHandler.received == []
    run("refresh_companies", "--older-than", "0")  # all of them
    asked = {path.rsplit("/", 1)[-1] for path in RegisterHandler.received}
    assert asked == {MAIN, BANKRUPT, DISSOLVED}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert recent.dissolved_on == datetime.date(2021, 6, 30)


def test_refresh_refuses_without_a_register(settings):
    settings.COMPANY_REGISTER_BACKEND = ""
    with pytest.raises(CommandError):
        run("refresh_companies")


def test_refresh_refuses_a_nonsense_batch(register_server):  # noqa: F811
    with pytest.raises(CommandError):
        run("refresh_companies", "--batch", "0")


# --- load_company_register and the offline backend -----------------------------------


def main_units() -> list[dict]:
    return [ANSWERS[f"/enheter/{n}"][1] for n in (MAIN, BANKRUPT, DISSOLVED)]


def branch_units() -> list[dict]:
    return [
        ANSWERS[f"/underenheter/{BRANCH}"][1],
        ANSWERS[f"/underenheter?overordnetEnhet={MAIN}&size=20"][1]["_embedded"]["underenheter"][
            1
        ],
    ]


@pytest.fixture
def downloads(tmp_path):
    enheter = tmp_path / "enheter_alle.json.gz"
    with gzip.open(enheter, "wt", encoding="utf-8") as f:
        json.dump(main_units() + [{"organisasjonsnummer": "123", "navn": "Ugyldig"}], f)
    underenheter = tmp_path / "underenheter_alle.json.gz"
    with gzip.open(underenheter, "wt", encoding="utf-8") as f:
        json.dump(branch_units(), f, indent=2)
    return enheter, underenheter


@pytest.fixture
def offline(settings):
    settings.COMPANY_REGISTER_BACKEND = "companies.register.offline.RegisterBackend"
    return get_register()


def test_load_the_bulk_download_and_look_up_offline(downloads, offline):
    enheter, underenheter = downloads
    assert "3 main units loaded, 1 records skipped" in run("load_company_register", str(enheter))
    assert "2 branches loaded" in run("load_company_register", str(underenheter))
    result = offline.lookup(MAIN)
    assert result.state == LookupState.FOUND
    unit = result.unit
    assert (unit.name, unit.organisation_form, unit.industry_code) == (
        "NORDLYS BYGG AS",
        "AS",
        "41.200",
    )
    assert unit.business_address.street == "Strandkaien 2, 3. etasje"
    assert str(unit.postal_address) == "Postboks 123 Sentrum, 5804 BERGEN"
    assert offline.lookup(BANKRUPT).unit.bankrupt
    assert offline.lookup(DISSOLVED).unit.deleted_on == datetime.date(2021, 6, 30)
    branch = offline.lookup(BRANCH).unit
    assert branch.is_branch and branch.parent_org_number == MAIN
    assert offline.lookup(MISSING).state == LookupState.NOT_FOUND
    assert [u.org_number for u in offline.search("nordlys")] == [MAIN, BANKRUPT, DISSOLVED]
    assert [u.org_number for u in offline.branches(MAIN)] == [BRANCH, BRANCH_2]


def test_loading_again_updates_in_place(downloads, offline, tmp_path):
    enheter, _ = downloads
    run("load_company_register", str(enheter))
    renamed = main_units()
    renamed[0] = {**renamed[0], "navn": "NORDLYS BYGG OG ANLEGG AS", "konkurs": True}
    again = tmp_path / "enheter_ny.json"
    again.write_text(json.dumps(renamed))
    run("load_company_register", str(again))
    assert OfflineRegisterUnit.objects.count() == 3
    unit = offline.lookup(MAIN).unit
    assert unit.name == "NORDLYS BYGG OG ANLEGG AS" and unit.bankrupt


def test_load_the_csv_download(tmp_path, offline):
    path = tmp_path / "enheter_alle.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(
            [
                "organisasjonsnummer",
                "navn",
                "organisasjonsform.kode",
                "organisasjonsform.beskrivelse",
                "naeringskode1.kode",
                "naeringskode1.beskrivelse",
                "forretningsadresse.adresse",
                "forretningsadresse.postnummer",
                "forretningsadresse.poststed",
                "registrertIMvaregisteret",
                "konkurs",
                "underAvvikling",
            ]
        )
        writer.writerow(
            [
                MAIN,
                "NORDLYS BYGG AS",
                "AS",
                "Aksjeselskap",
                "41.200",
                "Oppføring av bygninger",
                "Strandkaien 2",
                "5013",
                "BERGEN",
                "true",
                "false",
                "false",
            ]
        )
        writer.writerow(
            [
                BANKRUPT,
                "NORDLYS KONKURSBO AS",
                "AS",
                "",
                "",
                "",
                "",
                "",
                "",
                "false",
                "true",
                "true",
            ]
        )
    assert "2 main units loaded" in run("load_company_register", str(path))
    unit = offline.lookup(MAIN).unit
    assert unit.mva_registered and unit.business_address.city == "BERGEN"
    assert offline.lookup(BANKRUPT).unit.bankrupt


def test_a_file_that_is_no_download_is_refused(tmp_path):
    path = tmp_path / "tull.json"
    path.write_text('{"ikke": "en liste"}')
    with pytest.raises(CommandError):
        run("load_company_register", str(path))
    with pytest.raises(CommandError):
        run("load_company_register", str(tmp_path / "finnes-ikke.json.gz"))


def test_offline_search_with_hostile_input(offline):
    assert offline.search("x" * 100_000) == []
    assert offline.search("nord\x00lys") == []
    assert offline.search("%") == []
    assert offline.lookup("abc").state == LookupState.NOT_FOUND
