"""Import files as other systems write them, built in memory for the tests."""

import io

HEADER = [
    "Etternavn",
    "Fornavn",
    "Firma",
    "Org.nr",
    "Kundenr",
    "Mobil",
    "E-post",
    "Stilling",
    "Adresse",
    "Postnr",
    "Poststed",
]


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROW_OLA = [
    "Hansen",
    "Ola",
    "Aune Handel AS",
    "988077917",
    "",
    "412 34 567",
    "ola@aune.no",
    "Daglig leder",
    "Kongens gate 1",
    "7011",
    "Trondheim",
]
ROW_KARI = [
    "Ødegård",
    "Kari",
    "Aune Handel AS",
    "988077917",
    "",
    "",
    "kari@aune.no",
    "Selger",
    "",
    "",
    "",
]
ROW_PRIVATE = [
    "Bråten",
    "Åse",
    "",
    "",
    "50001",
    "92345678",
    "ase@example.no",
    "",
    "Storgata 2",
    "0155",
    "Oslo",
]
