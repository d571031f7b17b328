"""Files as tables: a header row and the rows under it, whatever the format.

CSV as a Norwegian Excel writes it (semicolons, UTF-8 with or without a BOM, or
Windows-1252), read with the standard library's ``csv`` (tablib's CSV loader is the same
reader but refuses a row shorter than the header, which hand-edited files often have);
XLSX through tablib (openpyxl); vCard 3.0 and 4.0, many cards in one file, through
vobject, turned into a table with Norwegian headers that the guess then recognises.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _


class FileError(ValueError):
    """The file cannot be read; the message says why, for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # each as long as headers
    first_row_number: int = 2  # the file's row (or card) number of rows[0]


def read_table(data: bytes, file_name: str) -> Table:
    name = file_name.lower()
    if not data.strip():
        raise FileError(_("The file is empty."))
    if name.endswith(".xlsx"):
        return _xlsx(data)
    if name.endswith((".vcf", ".vcard")):
        return _vcard(decode(data))
    if name.endswith((".csv", ".txt", ".tsv")):
        return _csv(decode(data))
    raise FileError(_("Choose a CSV, XLSX or vCard (.vcf) file."))


def decode(data: bytes) -> str:
    """Text in the encodings a Norwegian Excel or phone writes, without NUL characters
    (no text column can store them)."""
    return _decode(data).replace("\x00", "")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode text»
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:4096]:
        raise FileError(_("This is not a text file: choose a CSV, XLSX or vCard file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("The file's characters could not be read (use UTF-8 or Windows-1252)."))


def _csv(text: str) -> Table:
    sample = text[: 64 * 1024]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample.splitlines() else ""
        delimiter = max(";,\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from None
    return _table(rows)


def _xlsx(data: bytes) -> Table:
    import tablib

    try:
        dataset = tablib.Dataset().load(data, format="xlsx", headers=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise FileError(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    return _table([list(row) for row in dataset])


def _table(rows: list[list]) -> Table:
    while rows and not any(_filled(cell) for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise FileError(_("The file is empty."))
    headers = [("" if cell is None else str(cell)).replace("\x00", "").strip() for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise FileError(_("The first row must name the columns."))
    width = len(headers)
    body = []
    for row in rows[1:]:
        row = list(row[:width]) + [""] * (width - len(row))
        body.append(row)
    while body and not any(_filled(cell) for cell in body[-1]):
        body.pop()
    return Table(headers=headers, rows=body)


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


VCARD_HEADERS = [
    "Fornavn",
    "Etternavn",
    "Firma",
    "Stilling",
    "Mobil",
    "Telefon",
    "Privattelefon",
    "E-post",
    "Adresse",
    "Postnr",
    "Poststed",
    "Land",
    "Nettside",
    "Kategorier",
    "Notater",
]


def _vcard(text: str) -> Table:
    import vobject

    rows = []
    try:
        for card in vobject.readComponents(text, ignoreUnreadable=True):
            if card.name.upper() == "VCARD":
                rows.append(_card_row(card))
    except Exception:  # noqa: BLE001 - vobject raises ParseError and friends on bad input
        raise FileError(_("The file could not be read as vCard (.vcf).")) from None
    if not rows:
        raise FileError(_("The file holds no vCard."))
    return Table(headers=list(VCARD_HEADERS), rows=rows, first_row_number=1)


def _values(card, name: str) -> list:
    return card.contents.get(name.lower(), [])


def _types(line) -> set[str]:
    types = set()
    for value in line.params.get("TYPE", []):
        types.update(part.strip().strip('"').lower() for part in str(value).split(","))
    return types


def _parts(value, count: int) -> list[str]:
    """A structured value (N, ADR) as its parts, parsed or not by vobject."""
    if isinstance(value, str):
        parts = value.split(";")
    elif hasattr(value, "family"):  # vobject Name
        parts = [value.family, value.given]
    else:  # vobject Address: box, extended, street, city, region, code, country
        parts = [
            value.box,
            value.extended,
            value.street,
            value.city,
            value.region,
            value.code,
            value.country,
        ]
    flat = [" ".join(p) if isinstance(p, list) else (p or "") for p in parts]
    return [p.strip() for p in flat] + [""] * (count - len(flat))


def _card_row(card) -> list[str]:
    row = dict.fromkeys(VCARD_HEADERS, "")
    names = _values(card, "n")
    if names:
        row["Etternavn"], row["Fornavn"] = _parts(names[0].value, 2)[:2]
    if not row["Etternavn"] and _values(card, "fn"):
        full = str(_values(card, "fn")[0].value).strip()
        first, _sep, last = full.rpartition(" ")
        row["Fornavn"], row["Etternavn"] = first, last
    if _values(card, "org"):
        org = _values(card, "org")[0].value
        row["Firma"] = (org[0] if isinstance(org, list) else str(org).split(";")[0]).strip()
    if _values(card, "title"):
        row["Stilling"] = str(_values(card, "title")[0].value).strip()
    for line in _values(card, "tel"):
        number = str(line.value).strip().removeprefix("tel:")
        types = _types(line)
        column = "Mobil" if "cell" in types else "Privattelefon" if "home" in types else "Telefon"
        for candidate in (column, "Telefon", "Mobil", "Privattelefon"):
            if not row[candidate]:
                row[candidate] = number
                break
    emails = _values(card, "email")
    if emails:
        row["E-post"] = str(emails[0].value).strip()
    addresses = _values(card, "adr")
    if addresses:
        parts = _parts(addresses[0].value, 7)
        row["Adresse"], row["Poststed"] = parts[2], parts[3]
        row["Postnr"], row["Land"] = parts[5], parts[6]
    if _values(card, "url"):
        row["Nettside"] = str(_values(card, "url")[0].value).strip()
    if _values(card, "categories"):
        value = _values(card, "categories")[0].value
        row["Kategorier"] = ", ".join(value) if isinstance(value, list) else str(value)
    if _values(card, "note"):
        row["Notater"] = str(_values(card, "note")[0].value).strip()
    return [row[h] for h in VCARD_HEADERS]
