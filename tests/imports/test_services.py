"""Importing: the dry run, what rows become, matching, refusals, reruns and undo."""

import datetime

import pytest

from companies.models import Company, CompanyLink
from contacts import services as contact_services
from contacts.models import Contact, ContactEmail
from history.models import Entry
from history.verbs import render
from imports import services
from imports.models import ImportJob
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, ContactFactory
from tests.imports.files import ROW_KARI, ROW_OLA, ROW_PRIVATE, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _counts(job):
    return (job.created_count, job.updated_count, job.skipped_count, job.refused_count)


def test_the_dry_run_counts_what_would_happen_and_writes_nothing(dry_run):
    job = dry_run(csv_bytes([ROW_OLA, ROW_KARI, ROW_PRIVATE]))

    assert _counts(job) == (3, 0, 0, 0)
    assert job.status == ImportJob.Status.PREVIEWED
    assert [line["status"] for line in job.report["preview"]] == ["created"] * 3
    assert job.report["preview"][0]["cells"][:2] == ["Hansen", "Ola"]
    assert not Contact.objects.exists()
    assert not Company.objects.exists()
    assert not Entry.objects.exists()


def test_rows_become_contacts_companies_and_the_links_between_them(run_import, firm_admin):
    job = run_import(csv_bytes([ROW_OLA, ROW_KARI, ROW_PRIVATE]))

    assert job.status == ImportJob.Status.DONE
    assert _counts(job) == (3, 0, 0, 0)
    company = Company.objects.get()
    assert (company.name, company.org_number) == ("Aune Handel AS", "988077917")
    ola = Contact.objects.get(last_name="Hansen")
    assert ola.first_name == "Ola"
    assert str(ola.mobile.as_e164) == "+4741234567"
    assert (ola.street_address, ola.postcode, ola.city) == ("Kongens gate 1", "7011", "Trondheim")
    assert [e.email for e in ola.emails.all()] == ["ola@aune.no"]
    link = CompanyLink.objects.get(contact=ola)
    assert (link.company, link.position) == (company, "Daglig leder")
    assert set(company.links.values_list("contact__last_name", flat=True)) == {"Hansen", "Ødegård"}
    private = Contact.objects.get(last_name="Bråten")
    assert private.customer_number == 50001
    assert not private.company_links.exists()


def test_link_details_categories_and_owner_are_imported(run_import, firm_admin):
    header = [
        "Fornavn",
        "Etternavn",
        "Firma",
        "Telefon",
        "E-post arbeid",
        "Fra dato",
        "Til dato",
        "Kategorier",
        "Eier",
    ]
    row = [
        "Ola",
        "Hansen",
        "Aune Handel AS",
        "73 00 00 00",
        "ola.jobb@aune.no",
        "01.03.2020",
        "31.12.2023",
        "Kunde, VIP",
        firm_admin.username,
    ]
    CategoryFactory(name="Kunde")

    run_import(csv_bytes([row], header=header))

    ola = Contact.objects.get()
    link = ola.company_links.get()
    assert str(link.work_phone.as_e164) == "+4773000000"
    assert link.email == "ola.jobb@aune.no"
    assert (link.start_date, link.end_date) == (
        datetime.date(2020, 3, 1),
        datetime.date(2023, 12, 31),
    )
    assert sorted(ola.categories.values_list("name", flat=True)) == ["Kunde", "VIP"]
    assert ola.owner == firm_admin
    assert Company.objects.get().owner == firm_admin


def test_xlsx_and_vcard_files_import_like_csv(run_import):
    run_import(xlsx_bytes([ROW_OLA]), "eksport.xlsx")
    vcard = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Strøm;Liv;;;\r\nFN:Liv Strøm\r\nORG:Fjord AS\r\n"
        "TEL;TYPE=CELL:99887766\r\nEMAIL:liv@fjord.no\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Per Dahl\r\nEMAIL:per@example.no\r\nEND:VCARD\r\n"
    )
    run_import(vcard.encode(), "telefon.vcf")

    assert set(Contact.objects.values_list("first_name", "last_name")) == {
        ("Ola", "Hansen"),
        ("Liv", "Strøm"),
        ("Per", "Dahl"),
    }
    assert Contact.objects.get(last_name="Strøm").companies.get().name == "Fjord AS"


def test_refused_rows_name_their_row_column_and_reason_and_the_rest_is_imported(run_import):
    bad = ["Feil", "Ola", "", "", "abc", "123", "ikke-en-adresse", "", "", "", ""]
    no_name = ["", "Kari", "", "", "", "", "kari@example.no", "", "", "", ""]
    bad_orgnr = ["Berg", "Per", "Berg AS", "123456789", "", "", "", "", "", "", ""]

    job = run_import(csv_bytes([ROW_PRIVATE, bad, no_name, bad_orgnr]))

    assert _counts(job) == (1, 0, 0, 3)
    errors = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert errors == {(3, "Kundenr"), (3, "Mobil"), (3, "E-post"), (4, "Etternavn"), (5, "Org.nr")}
    message = next(
        e["message"] for e in job.report["errors"] if e["row"] == 3 and e["column"] == "Mobil"
    )
    assert "123" in message
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Bråten"]


def test_a_huge_cell_is_refused_not_truncated(run_import):
    row = ["H" * 5000, "Ola", "", "", "", "", "", "", "", "", ""]

    job = run_import(csv_bytes([row]))

    assert job.report["errors"][0]["column"] == "Etternavn"
    assert "5000" in job.report["errors"][0]["message"]
    assert not Contact.objects.exists()


def test_a_contact_is_matched_by_email_and_updated_not_duplicated(run_import):
    ola = ContactFactory(first_name="Ola", last_name="Hansen", city="Bergen")
    ContactEmailFactory(contact=ola, email="OLA@aune.no")

    job = run_import(csv_bytes([ROW_OLA]))

    assert Contact.objects.count() == 1
    ola.refresh_from_db()
    assert ola.city == "Trondheim"
    assert job.updated_count == 1


def test_a_contact_is_matched_by_customer_number(run_import):
    private = ContactFactory(last_name="Bråten", first_name="Åse", city="Hamar")
    Contact.objects.filter(pk=private.pk).update(customer_number=50001)

    run_import(csv_bytes([ROW_PRIVATE]))

    assert Contact.objects.count() == 1
    private.refresh_from_db()
    assert private.city == "Oslo"
    assert [e.email for e in private.emails.all()] == ["ase@example.no"]


def test_a_company_is_matched_by_org_number_even_under_another_name(run_import):
    company = CompanyFactory(name="Aune Handel", org_number="988077917")

    run_import(csv_bytes([ROW_OLA]))

    assert list(Company.objects.all()) == [company]
    assert company.links.get().contact.last_name == "Hansen"


def test_a_company_is_matched_by_its_customer_number(run_import):
    company = CompanyFactory(name="Gammelt navn AS", org_number="")
    Company.objects.filter(pk=company.pk).update(customer_number=70001)
    header = ["Firma", "Kundenr", "Poststed"]

    run_import(csv_bytes([["Nytt navn AS", "70001", "Molde"]], header=header))

    company.refresh_from_db()
    assert Company.objects.count() == 1
    assert (company.name, company.city) == ("Nytt navn AS", "Molde")


def test_keys_left_unchecked_do_not_match(run_import):
    ola = ContactFactory(first_name="Ola", last_name="Hansen")
    ContactEmailFactory(contact=ola, email="ola@aune.no")
    CompanyFactory(name="Annet navn AS", org_number="988077917")

    job = run_import(csv_bytes([ROW_OLA]), match_keys=[])

    # Without the org.nr key nothing matches Ola's company by it, and the org.nr, unique
    # among companies, cannot go on a second one: the row is refused, saying why.
    assert job.refused_count == 1
    assert "988077917" in job.report["errors"][0]["message"]
    assert "Annet navn AS" in job.report["errors"][0]["message"]
    assert Contact.objects.filter(last_name="Hansen").count() == 1
    assert Company.objects.count() == 1


def test_without_the_email_key_a_namesake_becomes_a_second_contact(run_import):
    ola = ContactFactory(first_name="Ola", last_name="Hansen")
    ContactEmailFactory(contact=ola, email="ola@aune.no")

    run_import(csv_bytes([ROW_OLA]), match_keys=[])

    assert Contact.objects.filter(last_name="Hansen").count() == 2


def test_a_customer_number_held_by_a_company_is_refused_for_a_person(run_import):
    company = CompanyFactory(org_number="")
    Company.objects.filter(pk=company.pk).update(customer_number=50001)

    job = run_import(csv_bytes([ROW_PRIVATE]))

    assert job.refused_count == 1
    assert job.report["errors"][0]["column"] == "Kundenr"
    assert "50001" in job.report["errors"][0]["message"]
    assert not Contact.objects.exists()


def test_a_customer_number_given_to_a_person_and_a_company_in_one_file_is_refused(run_import):
    company = ["", "", "Fjord AS", "", "50001", "", "", "", "", "", ""]

    job = run_import(csv_bytes([ROW_PRIVATE, company]))

    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(3, "Kundenr")]
    assert Contact.objects.get().customer_number == 50001
    assert not Company.objects.exists()


def test_customer_numbers_are_kept_and_the_series_continues_above_them(run_import):
    row = ["Stor", "Nummer", "", "", "900123", "", "", "", "", "", ""]

    run_import(csv_bytes([ROW_PRIVATE, row]))

    assert Contact.objects.get(last_name="Stor").customer_number == 900123
    fresh = contact_services.contact_make_customer(contact=ContactFactory())
    assert fresh.customer_number == 900124
    company = CompanyFactory(org_number="")
    from companies.services import company_make_customer

    assert company_make_customer(company=company).customer_number == 900125


def test_a_rerun_of_the_same_file_changes_nothing(run_import):
    data = csv_bytes([ROW_OLA, ROW_KARI, ROW_PRIVATE])
    run_import(data)
    before = (
        Contact.objects.count(),
        Company.objects.count(),
        CompanyLink.objects.count(),
        ContactEmail.objects.count(),
        Entry.objects.count(),
    )

    again = run_import(data)

    assert _counts(again) == (0, 0, 3, 0)
    after = (
        Contact.objects.count(),
        Company.objects.count(),
        CompanyLink.objects.count(),
        ContactEmail.objects.count(),
        Entry.objects.count(),
    )
    assert after == before


def test_a_rerun_without_email_keys_finds_people_by_name_at_their_company(run_import):
    header = ["Etternavn", "Fornavn", "Firma"]
    data = csv_bytes([["Hansen", "Ola", "Aune Handel AS"]], header=header)
    run_import(data)

    again = run_import(data)

    assert _counts(again) == (0, 0, 1, 0)
    assert Contact.objects.count() == 1


def test_the_timeline_says_imported_from_the_file(run_import, firm_admin):
    run_import(csv_bytes([ROW_OLA]), "fra-tripletex.csv")

    ola = Contact.objects.get()
    entry = Entry.objects.get(contact=ola, verb="imports.imported")
    assert entry.actor == firm_admin
    assert "importert fra fra-tripletex.csv" in render(entry)
    # The capture's own lines are there too, as for a contact made by hand.
    verbs = set(Entry.objects.filter(contact=ola).values_list("verb", flat=True))
    assert {"contacts.created", "contacts.email_added", "companies.linked"} <= verbs


@pytest.mark.django_db(transaction=True)
def test_a_failed_batch_leaves_nothing_half_linked(dry_run):
    from django.db import IntegrityError

    from imports.writing import write_plan

    company = CompanyFactory(name="Aune Handel AS", org_number="988077917")
    job = dry_run(csv_bytes([ROW_PRIVATE, ROW_OLA, ROW_KARI]))
    plan = services.job_plan(job)
    # The company goes between planning and writing: the batch's links cannot be written.
    Company.objects.filter(pk=company.pk).delete()

    with pytest.raises(IntegrityError):
        write_plan(plan=plan, job=job, actor=None)

    assert not Contact.objects.exists()
    assert not CompanyLink.objects.exists()
    assert not ContactEmail.objects.exists()
    assert not Entry.objects.exists()
    job.refresh_from_db()
    assert job.processed_rows == 0


def test_undo_removes_what_was_created_and_restores_what_was_changed(run_import, firm_admin):
    ola = ContactFactory(first_name="Ola", last_name="Hansen", city="Bergen", postcode="5003")
    ContactEmailFactory(contact=ola, email="ola@aune.no")
    vip = CategoryFactory(name="VIP")
    ola.categories.add(vip)
    header = ["Etternavn", "Fornavn", "E-post", "Poststed", "Mobil", "Kategori"]
    rows = [
        ["Hansen", "Ola", "ola@aune.no", "Trondheim", "41234567", "Kunde"],
        ["Ny", "Nina", "nina@example.no", "Oslo", "", ""],
    ]
    job = run_import(csv_bytes(rows, header=header))
    assert Contact.objects.count() == 2

    report = services.job_undo(job=job, actor=firm_admin)

    assert report["refused"] == []
    assert list(Contact.objects.all()) == [ola]
    ola.refresh_from_db()
    assert (ola.city, ola.postcode, str(ola.mobile)) != ("Trondheim", "5003", "")
    assert ola.city == "Bergen"
    assert [e.email for e in ola.emails.all()] == ["ola@aune.no"]
    assert list(ola.categories.all()) == [vip]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UNDONE


def test_undo_restores_earlier_values_of_a_company_and_a_link(run_import, firm_admin):
    company = CompanyFactory(name="Aune Handel AS", org_number="988077917", city="Bergen")
    ola = ContactFactory(first_name="Ola", last_name="Hansen")
    ContactEmailFactory(contact=ola, email="ola@aune.no")
    link = CompanyLinkFactory(contact=ola, company=company, position="Selger")
    header = ["Etternavn", "Fornavn", "Firma", "Org.nr", "E-post", "Stilling"]
    job = run_import(
        csv_bytes(
            [["Hansen", "Ola", "Aune Handel AS", "988077917", "ola@aune.no", "Daglig leder"]],
            header=header,
        )
    )
    link.refresh_from_db()
    assert link.position == "Daglig leder"

    services.job_undo(job=job, actor=firm_admin)

    link.refresh_from_db()
    assert link.position == "Selger"
    assert CompanyLink.objects.count() == 1


def test_undo_leaves_rows_touched_since_and_says_why(run_import, firm_admin, staff):
    job = run_import(csv_bytes([ROW_OLA, ROW_PRIVATE]))
    private = Contact.objects.get(last_name="Bråten")
    contact_services.contact_update(contact=private, city="Hamar")

    report = services.job_undo(job=job, actor=firm_admin)

    assert list(Contact.objects.all()) == [private]
    assert [item["row"] for item in report["refused"]] == [3]
    assert "Åse Bråten" in report["refused"][0]["reason"]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PARTLY_UNDONE
    # The other row is gone with its company and link.
    assert not Company.objects.exists()


def test_undo_refuses_a_person_who_got_a_note_after_the_import(run_import, firm_admin):
    from history.services import history_record

    job = run_import(csv_bytes([ROW_PRIVATE]))
    private = Contact.objects.get()
    history_record(contact=private, verb="notes.written", actor=firm_admin, data={"title": "Ring"})

    report = services.job_undo(job=job, actor=firm_admin)

    assert Contact.objects.filter(pk=private.pk).exists()
    assert report["refused"][0]["row"] == 2


def test_a_refused_row_claims_no_customer_number(run_import):
    header = ["Etternavn", "Firma", "Kundenr", "Fra dato", "Til dato"]
    # Refused after its company's number was checked: the link ends before it starts.
    refused = ["Hansen", "Fjord AS", "50001", "01.02.2024", "01.01.2024"]
    private = ["Berg", "", "50001", "", ""]

    job = run_import(csv_bytes([refused, private], header=header))

    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(2, "Til dato")]
    assert Contact.objects.get().customer_number == 50001
    assert not Company.objects.exists()


def test_categories_a_found_company_already_has_are_no_change(run_import):
    kunde = CategoryFactory(name="Kunde")
    company = CompanyFactory(name="Fjord AS", org_number="")
    company.categories.add(kunde)
    header = ["Firma", "Kategori"]

    job = run_import(csv_bytes([["Fjord AS", "kunde"], ["Fjord AS", "Kunde, VIP"]], header=header))

    assert sorted(company.categories.values_list("name", flat=True)) == ["Kunde", "VIP"]
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 1, 1)
