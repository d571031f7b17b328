"""Exports of the search hits, a selection and all contacts or companies: the formats
open, formula cells are inert, and nothing private to others leaves the CRM."""

import csv
import io

import openpyxl
import pytest
import vobject
from django.urls import reverse

from exports.models import ExportLog
from tests.activities.factories import NoteFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, ContactFactory
from tests.mailbox.factories import MessageContactFactory

pytestmark = pytest.mark.django_db


def _url(scope, format, **params):
    from urllib.parse import urlencode

    return reverse("exports:list", args=[scope, format]) + "?" + urlencode(params, doseq=True)


def _body(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return b"".join(response)


def _csv(response) -> list[list[str]]:
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_search_hits_as_csv_with_bom_and_norwegian_letters(staff_client):
    ContactFactory(last_name="Ødegård", first_name="Åse")
    ContactFactory(last_name="Hansen")
    rows = _csv(staff_client.get(_url("search", "csv", q="ødeg")))
    assert rows[0][:3] == ["Kundenummer", "Etternavn", "Fornavn"]
    assert [row[1] for row in rows[1:]] == ["Ødegård"]
    assert rows[1][2] == "Åse"


def test_formula_cells_are_made_inert_in_csv_and_xlsx(staff_client):
    contact = ContactFactory(
        last_name='=HYPERLINK("http://x")',
        first_name="@SUM(A1)",
        street_address="-2+3",
        city="\tTab",
        mobile="",
    )
    contact.notes = "+cmd"
    contact.save()
    rows = _csv(staff_client.get(_url("all", "csv")))
    row = rows[1]
    assert row[1] == '\'=HYPERLINK("http://x")'
    assert row[2] == "'@SUM(A1)"
    assert row[7] == "'-2+3"
    assert row[9] == "'\tTab"
    assert row[15] == "'+cmd"
    body = _body(staff_client.get(_url("all", "xlsx")))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[1] == '\'=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_phone_numbers_begin_with_an_apostrophe_as_they_begin_with_plus(staff_client):
    ContactFactory(last_name="Berg", mobile="+4741234567")
    rows = _csv(staff_client.get(_url("all", "csv")))
    assert rows[1][3] == "'+4741234567"


def test_others_private_notes_are_left_out_and_own_kept(staff_client, staff, other_staff):
    contact = ContactFactory(last_name="Lie")
    NoteFactory(contact=contact, author=other_staff, private=True, text="Hemmelig for andre")
    NoteFactory(contact=contact, author=staff, private=True, text="Min egen private")
    NoteFactory(contact=contact, author=other_staff, private=False, text="Felles notat")
    rows = _csv(staff_client.get(_url("all", "csv")))
    body = ";".join(rows[1])
    assert "Hemmelig for andre" not in body
    assert "Min egen private" in body
    assert "Felles notat" in body


def test_locked_mail_is_left_out_for_staff_and_shown_to_admins(client, staff, firm_admin):
    contact = ContactFactory(last_name="Lås", email_locked=True)
    MessageContactFactory(contact=contact, message__subject="Lønnsavtale")
    client.force_login(staff)
    rows = _csv(client.get(_url("all", "csv")))
    assert "Lønnsavtale" not in ";".join(rows[1])
    client.force_login(firm_admin)
    rows = _csv(client.get(_url("all", "csv")))
    assert "Lønnsavtale" in ";".join(rows[1])


def test_a_message_shared_with_a_locked_contact_is_left_out(staff_client):
    open_contact = ContactFactory(last_name="Åpen")
    locked = ContactFactory(last_name="Lukket", email_locked=True)
    link = MessageContactFactory(contact=open_contact, message__subject="Felles hemmelighet")
    MessageContactFactory(contact=locked, message=link.message)
    rows = _csv(staff_client.get(_url("all", "csv")))
    assert "Felles hemmelighet" not in str(rows)


def test_a_note_search_exports_only_notes_the_user_may_read(staff_client, other_staff):
    seen = ContactFactory(last_name="Synlig")
    hidden = ContactFactory(last_name="Skjult")
    NoteFactory(contact=seen, author=other_staff, private=False, text="kontrakt sendt")
    NoteFactory(contact=hidden, author=other_staff, private=True, text="kontrakt hemmelig")
    rows = _csv(staff_client.get(_url("search", "csv", q="kontrakt", type="note")))
    assert [row[1] for row in rows[1:]] == ["Synlig"]


def test_selection_exports_the_checked_rows_only(staff_client):
    chosen, other = ContactFactory(last_name="Valgt"), ContactFactory(last_name="Annen")
    rows = _csv(staff_client.get(_url("selection", "csv", id=[chosen.pk, "x", "²", "9" * 30])))
    assert [row[1] for row in rows[1:]] == ["Valgt"]
    assert other.last_name not in str(rows)


def test_category_export_and_companies(staff_client):
    vip = CategoryFactory(name="VIP")
    company = CompanyFactory(name="Aune Handel DA", org_number="")
    company.categories.add(vip)
    CompanyFactory(name="Ikke VIP AS")
    rows = _csv(staff_client.get(_url("search", "csv", kind="company", category=vip.pk)))
    assert rows[0][1] == "Navn"
    assert [row[1] for row in rows[1:]] == ["Aune Handel DA"]
    assert rows[1][10] == "VIP"


def test_contacts_as_vcards_open_with_vobject(staff_client):
    contact = ContactFactory(last_name="Nordmann", first_name="Kari", street_address="Gata 1")
    ContactEmailFactory(contact=contact, email="kari@example.no")
    CompanyLinkFactory(contact=contact, company__name="Aune, Handel DA", position="Sjef")
    body = _body(staff_client.get(_url("all", "vcf"))).decode()
    cards = list(vobject.readComponents(body))
    assert len(cards) == 1
    card = cards[0]
    assert card.n.value.family == "Nordmann" and card.fn.value == "Kari Nordmann"
    assert card.org.value == ["Aune, Handel DA"] and card.title.value == "Sjef"
    assert card.email.value == "kari@example.no"
    assert card.adr.value.street == "Gata 1" and card.adr.value.city == "Oslo"


def test_xlsx_opens_with_the_header_and_rows(staff_client):
    ContactFactory(last_name="Berg")
    body = _body(staff_client.get(_url("all", "xlsx")))
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Etternavn" and rows[1][1] == "Berg"


def test_an_export_is_recorded_once_with_its_row_count(staff_client, staff):
    ContactFactory.create_batch(3)
    _body(staff_client.get(_url("all", "csv")))
    log = ExportLog.objects.get()
    assert (log.actor, log.rows, log.format, log.scope) == (staff, 3, "csv", "all")


@pytest.mark.parametrize(
    ("scope", "format", "params"),
    [
        ("all", "csv", {}),
        ("search", "csv", {"q": "e"}),
        ("all", "xlsx", {}),
        ("all", "vcf", {}),
        ("all", "csv", {"kind": "company"}),
    ],
)
def test_query_count_does_not_grow_with_the_rows(
    staff_client, django_assert_max_num_queries, other_staff, scope, format, params
):
    for i in range(30):
        contact = ContactFactory()
        ContactEmailFactory(contact=contact)
        CompanyLinkFactory(contact=contact)
        contact.categories.add(CategoryFactory(name=f"K{i % 3}"))
        NoteFactory(contact=contact, author=other_staff)
        MessageContactFactory(contact=contact)
        CompanyFactory(name=f"Firma {i}e")
    with django_assert_max_num_queries(12):
        body = _body(staff_client.get(_url(scope, format, **params)))
    assert body


@pytest.mark.parametrize(
    "url",
    [
        "/exports/search.csv",  # the empty panel: nothing to export
        "/exports/nope.csv",
        "/exports/all.pdf",
        "/exports/all.vcf?kind=company",
        "/exports/selection.csv?id=abc",
        "/exports/search.csv?q=" + "x" * 500,
        "/exports/search.csv?q=a%00b",
        "/exports/search.csv?category=99999999999999999999999",
        "/exports/search.csv?type=phone&q=abc",
        "/exports/selection.csv?id=1&q=a%00b&kind=%00",
        "/exports/selection.xlsx?id=1&id=" + "9" * 5000,
        "/exports/all.csv?kind=" + "x" * 3000,
    ],
)
def test_bad_input_never_gives_a_server_error(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code in (200, 404)


def test_anonymous_goes_to_login(client):
    response = client.get(_url("all", "csv"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_crm_access_is_refused(client, no_access_user):
    client.force_login(no_access_user)
    assert client.get(_url("all", "csv")).status_code == 403


def test_all_contacts_read_set_based_match_the_same_contacts_read_one_by_one(
    staff_client, staff, other_staff
):
    """The export of everyone has its own query (set-based, for speed): it must say the
    same as the per-contact query a selection uses."""
    import datetime as dt

    vip = CategoryFactory(name="VIP")
    for i in range(4):
        contact = ContactFactory(owner=staff if i % 2 else None, street_address=f"=Gate {i}")
        ContactEmailFactory(contact=contact)
        ContactEmailFactory(contact=contact)
        CompanyLinkFactory(contact=contact, position="Sjef" if i % 2 else "")
        CompanyLinkFactory(contact=contact, end_date=dt.date(2001, 1, 1))
        contact.categories.add(vip, CategoryFactory(name=f"K{i}"))
        NoteFactory(contact=contact, author=other_staff, private=bool(i % 2))
        MessageContactFactory(contact=contact)
    locked = ContactFactory(email_locked=True)
    MessageContactFactory(contact=locked)
    ids = list(ContactFactory._meta.model.objects.values_list("pk", flat=True))
    everyone = _csv(staff_client.get(_url("all", "csv")))
    chosen = _csv(staff_client.get(_url("selection", "csv", id=ids)))
    assert everyone[0] == chosen[0]
    assert sorted(everyone[1:]) == sorted(chosen[1:])
    assert len(everyone) == 6


def test_all_contacts_as_vcards_match_the_same_contacts_chosen(staff_client):
    """vCards of everyone come from a set-based query: the same cards as a selection."""
    import datetime as dt

    for i in range(3):
        contact = ContactFactory(first_name=f"Åse{i}", street_address="Gata; 1")
        ContactEmailFactory(contact=contact)
        ContactEmailFactory(contact=contact)
        CompanyLinkFactory(contact=contact, position="Sjef" if i else "")
        CompanyLinkFactory(contact=contact, end_date=dt.date(2001, 1, 1))
    ids = list(ContactFactory._meta.model.objects.values_list("pk", flat=True))
    everyone = _body(staff_client.get(_url("all", "vcf"))).decode()
    chosen = _body(staff_client.get(_url("selection", "vcf", id=ids))).decode()
    cards = sorted(card.serialize() for card in vobject.readComponents(everyone))
    assert cards == sorted(card.serialize() for card in vobject.readComponents(chosen))
    assert len(cards) == 3
