"""The export file formats: CSV for Excel (``;``, UTF-8 with BOM), XLSX and vCard 3.0.

Every format writes rows as they come, so an export of a million contacts never holds
more than one chunk in memory: the CSV rows are PostgreSQL's own COPY output
(``text_columns.csv_copy``) after :func:`csv_header`, vCards are yielded a chunk at a time,
both into a streamed response; XLSX is written by openpyxl's write-only mode to a
temporary file (a zip cannot be streamed as it is written).

Spreadsheet cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return are made inert with a leading ``'`` (:func:`inert`): a name such as
``=HYPERLINK(…)`` typed into a card must not become a formula when the file is opened
(OWASP «CSV injection»). A phone number therefore reads ``'+4741234567``.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence

import vobject

BOM = "\ufeff"
# Rows per chunk handed to the response: big enough that the per-chunk overhead is
# nothing, small enough that a chunk is a few hundred kilobytes.
ROWS_PER_CHUNK = 1000
_DANGEROUS = frozenset("=+-@\t\r")


def inert(value) -> str:
    """The cell's text, made inert when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and text[0] in _DANGEROUS:
        return "'" + text
    return text


def csv_header(header: Sequence[str]) -> bytes:
    """The BOM and the header line, in the dialect of PostgreSQL's CSV COPY (``;``,
    ``\\n``, quoted only where needed), which writes the rows after it."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerow(
        [inert(cell) for cell in header]
    )
    return (BOM + buffer.getvalue()).encode()


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence], *, title: str):
    """The rows as an XLSX workbook in a temporary file (rewound), written row by row."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([inert(cell) for cell in header])
    for row in rows:
        sheet.append([inert(cell) for cell in row])
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(out)
    out.seek(0)
    return out


def vcard_chunks(cards: Iterable[str]) -> Iterator[bytes]:
    """Many vCards in one file, a chunk of cards at a time."""
    parts = []
    for card in cards:
        parts.append(card)
        if len(parts) == ROWS_PER_CHUNK:
            yield "".join(parts).encode()
            parts = []
    yield "".join(parts).encode()


def vcard(
    *,
    first_name: str,
    last_name: str,
    organisations: Sequence[tuple[str, str]] = (),
    phones: Sequence[tuple[str, str]] = (),
    emails: Sequence[str] = (),
    street: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "",
    url: str = "",
    note: str = "",
    uid: str = "",
) -> str:
    """One vCard 3.0 (vobject serialises and escapes it). ``organisations`` are
    (company, title) pairs, the first being ORG/TITLE; ``phones`` (type, number)."""
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(family=last_name, given=first_name)
    card.add("fn").value = f"{first_name} {last_name}".strip() or last_name
    if organisations:
        company, title = organisations[0]
        card.add("org").value = [company]
        if title:
            card.add("title").value = title
    for kind, number in phones:
        if number:
            tel = card.add("tel")
            tel.value = number
            tel.type_param = kind
    for i, address in enumerate(emails):
        email = card.add("email")
        email.value = address
        email.type_paramlist = ["INTERNET", "PREF"] if i == 0 else ["INTERNET"]
    if street or postcode or city:
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(street=street, code=postcode, city=city, country=country)
        adr.type_param = "HOME"
    if url:
        card.add("url").value = url
    if note:
        card.add("note").value = note
    if uid:
        card.add("uid").value = uid
    return card.serialize()


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (RFC 2425): CRLF and a space, never inside a
    UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts) + "\r\n"


def vcard_fast(
    *,
    first_name: str,
    last_name: str,
    organisations: Sequence[tuple[str, str]] = (),
    phones: Sequence[tuple[str, str]] = (),
    emails: Sequence[str] = (),
    street: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "",
    url: str = "",
    uid: str = "",
) -> str:
    """The same card as :func:`vcard`, written directly: vobject takes ~300 µs a card,
    which is five minutes for a million; this takes a few. The tests read both back
    with vobject."""
    full_name = f"{first_name} {last_name}".strip() or last_name
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(last_name)};{_escape(first_name)};;;",
        f"FN:{_escape(full_name)}",
    ]
    if organisations:
        company, title = organisations[0]
        lines.append(f"ORG:{_escape(company)}")
        if title:
            lines.append(f"TITLE:{_escape(title)}")
    lines.extend(f"TEL;TYPE={kind}:{_escape(number)}" for kind, number in phones if number)
    for i, address in enumerate(emails):
        kind = "INTERNET,PREF" if i == 0 else "INTERNET"
        lines.append(f"EMAIL;TYPE={kind}:{_escape(address)}")
    if street or postcode or city:
        parts = ["", "", street, city, "", postcode, country]
        lines.append("ADR;TYPE=HOME:" + ";".join(_escape(part) for part in parts))
    if url:
        lines.append(f"URL:{_escape(url)}")
    if uid:
        lines.append(f"UID:{_escape(uid)}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)
