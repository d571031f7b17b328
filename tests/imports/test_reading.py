"""Files as Norwegian Excel, other CRMs and phones write them."""

import datetime

import pytest

from imports.reading import FileError, read_table
from tests.imports.files import HEADER, ROW_PRIVATE, csv_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8-sig", ";"),
        ("utf-8", ";"),
        ("cp1252", ";"),
        ("utf-8", ","),
        ("utf-8", "\t"),
        ("utf-16", "\t"),
    ],
)
def test_csv_in_the_encodings_and_delimiters_excel_writes_reads_æøå(encoding, delimiter):
    data = csv_bytes([ROW_PRIVATE], delimiter=delimiter, encoding=encoding)

    table = read_table(data, "kunder.csv")

    assert table.headers == HEADER
    assert table.rows[0][:2] == ["Bråten", "Åse"]
    assert table.rows[0][10] == "Oslo"


def test_csv_rows_shorter_than_the_header_are_filled_out():
    table = read_table(b"Etternavn;Fornavn;Firma\nHansen\n", "a.csv")

    assert table.rows == [["Hansen", "", ""]]


def test_xlsx_is_read_with_dates_and_numbers_as_cells():
    data = xlsx_bytes(
        [["Hansen", "Ola", 50001, datetime.datetime(2024, 3, 1)]],
        header=["Etternavn", "Fornavn", "Kundenr", "Fra dato"],
    )

    table = read_table(data, "eksport.xlsx")

    assert table.headers == ["Etternavn", "Fornavn", "Kundenr", "Fra dato"]
    assert table.rows[0][0] == "Hansen"
    assert table.rows[0][2] == 50001


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Hansen;Ola;;;\r\nFN:Ola Hansen\r\nORG:Aune Handel AS\r\n"
    "TITLE:Daglig leder\r\nTEL;TYPE=CELL:+47 412 34 567\r\nTEL;TYPE=WORK:73 00 00 00\r\n"
    "EMAIL;TYPE=INTERNET:ola@aune.no\r\nADR;TYPE=WORK:;;Kongens gate 1;Trondheim;;7011;Norge\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Ødegård;Kari;;;\r\nFN:Kari Ødegård\r\n"
    'TEL;TYPE="cell,voice";VALUE=uri:tel:+4792345678\r\nEMAIL:kari@example.no\r\n'
    "CATEGORIES:Kunde,VIP\r\nEND:VCARD\r\n"
)


def test_a_vcf_with_a_3_0_and_a_4_0_card_gives_a_row_for_each():
    table = read_table(VCARDS.encode(), "kontakter.vcf")

    rows = [dict(zip(table.headers, row, strict=True)) for row in table.rows]
    assert [(r["Fornavn"], r["Etternavn"]) for r in rows] == [
        ("Ola", "Hansen"),
        ("Kari", "Ødegård"),
    ]
    assert rows[0]["Firma"] == "Aune Handel AS"
    assert rows[0]["Mobil"] == "+47 412 34 567"
    assert rows[0]["Telefon"] == "73 00 00 00"
    assert (rows[0]["Adresse"], rows[0]["Postnr"], rows[0]["Poststed"]) == (
        "Kongens gate 1",
        "7011",
        "Trondheim",
    )
    assert rows[1]["Mobil"] == "+4792345678"
    assert rows[1]["Kategorier"] == "Kunde, VIP"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tom.csv", "Filen er tom."),
        (b"  \r\n\r\n", "tom.csv", "Filen er tom."),
        (b"\x00\x01\x02garbage\x00", "bin.csv", "Dette er ikke en tekstfil"),
        (b"PK\x03\x04 not really a workbook", "x.xlsx", "kunne ikke leses som en Excel"),
        (b"BEGIN:VCARD\r\nthis is not\r\n", "x.vcf", "vCard"),
        (b"hello", "x.pdf", "Velg en CSV-, XLSX- eller vCard"),
        (b";;;\r\n", "x.csv", "Filen er tom."),
    ],
)
def test_unreadable_files_are_refused_with_a_reason_in_norwegian(data, name, message):
    with pytest.raises(FileError, match=message):
        read_table(data, name)
