"""The fields a file's column can be mapped to, and how a header is recognised (Norwegian
and English headers). How a cell is read for a field is in ``cells.py``.

Which record a field lands on: a row with a last name is a person; with a company name, a
company; with both, the person linked to the company. Fields that both have (address,
e-mail, phone) go to the person when there is one, otherwise to the company; the customer
number goes to the company when the row has one (a B2B export's «Kundenr» is the
customer's), otherwise to the person (a private customer).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text, phone, email, date, number, orgnr, country, url, list
    max_length: int | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)


IGNORE = ""

FIELDS = [
    Field(
        "first_name",
        gettext_lazy("First name"),
        max_length=100,
        aliases=("fornavn", "first name", "firstname", "given name", "fornavn kontakt"),
    ),
    Field(
        "last_name",
        gettext_lazy("Last name"),
        max_length=100,
        aliases=("etternavn", "last name", "lastname", "surname", "family name"),
    ),
    Field(
        "full_name",
        gettext_lazy("Full name (first and last)"),
        max_length=201,
        aliases=(
            "navn",
            "kontaktperson",
            "kontakt",
            "full name",
            "name",
            "contact",
            "contact name",
        ),
    ),
    Field(
        "company_name",
        gettext_lazy("Company"),
        max_length=200,
        aliases=(
            "firma",
            "firmanavn",
            "bedrift",
            "bedriftsnavn",
            "selskap",
            "kunde",
            "kundenavn",
            "company",
            "company name",
            "organisation",
            "organization",
            "account name",
        ),
    ),
    Field(
        "org_number",
        gettext_lazy("Organisation number"),
        kind="orgnr",
        aliases=(
            "orgnr",
            "org nr",
            "organisasjonsnummer",
            "organisasjonsnr",
            "org number",
            "organisation number",
            "organization number",
            "vat number",
        ),
    ),
    Field(
        "customer_number",
        gettext_lazy("Customer number"),
        kind="number",
        aliases=(
            "kundenr",
            "kundenummer",
            "kunde nr",
            "customer number",
            "customer no",
            "customer id",
            "account number",
        ),
    ),
    Field(
        "mobile",
        gettext_lazy("Mobile"),
        kind="phone",
        aliases=(
            "mobil",
            "mobiltelefon",
            "mobilnummer",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
        ),
    ),
    Field(
        "work_phone",
        gettext_lazy("Work phone"),
        kind="phone",
        aliases=(
            "telefon",
            "tlf",
            "telefon arbeid",
            "arbeidstelefon",
            "direkte",
            "telefon direkte",
            "phone",
            "work phone",
            "business phone",
            "telephone",
        ),
    ),
    Field(
        "private_phone",
        gettext_lazy("Private phone"),
        kind="phone",
        aliases=(
            "privattelefon",
            "telefon privat",
            "hjemmetelefon",
            "home phone",
            "private phone",
        ),
    ),
    Field(
        "company_phone",
        gettext_lazy("Company phone"),
        kind="phone",
        aliases=("firmatelefon", "sentralbord", "telefon firma", "company phone", "main phone"),
    ),
    Field(
        "email",
        gettext_lazy("E-mail"),
        kind="email",
        max_length=254,
        aliases=("epost", "e post", "email", "e mail", "mail", "epostadresse", "email address"),
    ),
    Field(
        "link_email",
        gettext_lazy("Work e-mail (at the company)"),
        kind="email",
        max_length=254,
        aliases=("epost arbeid", "epost jobb", "work email", "business email"),
    ),
    Field(
        "company_email",
        gettext_lazy("Company e-mail"),
        kind="email",
        max_length=254,
        aliases=("firma epost", "epost firma", "company email"),
    ),
    Field(
        "street_address",
        gettext_lazy("Street address"),
        max_length=200,
        aliases=(
            "adresse",
            "postadresse",
            "gateadresse",
            "besoksadresse",
            "address",
            "street",
            "street address",
            "address line 1",
        ),
    ),
    Field(
        "postcode",
        gettext_lazy("Postcode"),
        max_length=10,
        aliases=("postnr", "postnummer", "post nr", "postcode", "postal code", "zip", "zip code"),
    ),
    Field(
        "city",
        gettext_lazy("City"),
        max_length=100,
        aliases=("poststed", "sted", "by", "city", "town", "post town"),
    ),
    Field(
        "country",
        gettext_lazy("Country"),
        kind="country",
        aliases=("land", "landkode", "country", "country code"),
    ),
    Field(
        "website",
        gettext_lazy("Website"),
        kind="url",
        max_length=300,
        aliases=("nettside", "hjemmeside", "web", "nettadresse", "website", "url", "homepage"),
    ),
    Field(
        "position",
        gettext_lazy("Position"),
        max_length=150,
        aliases=("stilling", "tittel", "rolle", "position", "title", "job title", "role"),
    ),
    Field(
        "start_date",
        gettext_lazy("Start date (at the company)"),
        kind="date",
        aliases=("fra dato", "fra", "startdato", "ansatt fra", "start date", "from"),
    ),
    Field(
        "end_date",
        gettext_lazy("End date (at the company)"),
        kind="date",
        aliases=("til dato", "til", "sluttdato", "sluttet", "end date", "to"),
    ),
    Field(
        "categories",
        gettext_lazy("Categories"),
        kind="list",
        max_length=100,
        aliases=("kategori", "kategorier", "category", "categories", "tags", "grupper"),
    ),
    Field(
        "owner",
        gettext_lazy("Owner (user name)"),
        kind="owner",
        aliases=("eier", "ansvarlig", "saksbehandler", "selger", "owner", "account owner"),
    ),
    Field(
        "notes",
        gettext_lazy("Notes"),
        kind="text",
        max_length=10000,
        aliases=("notater", "notat", "merknad", "kommentar", "notes", "note", "comment"),
    ),
]
BY_KEY = {f.key: f for f in FIELDS}


def normalise_header(header: str) -> str:
    """«Org.nr.» → «org nr», «E-post» → «epost»… so headers compare by their letters."""
    text = unicodedata.normalize("NFKC", str(header)).casefold().strip()
    text = text.replace("ø", "o").replace("å", "a").replace("æ", "ae").replace("ö", "o")
    text = re.sub(r"(?<=e)[-.](?=post|mail)", "", text)  # e-post, e.post, e-mail
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip()


_ALIASES = {normalise_header(alias): f.key for f in FIELDS for alias in f.aliases}


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Column index (as a string) → field key for each header recognised; each field once."""
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = _ALIASES.get(normalise_header(header))
        if key and key not in taken:
            guessed[str(index)] = key
            taken.add(key)
    return guessed


def columns_from_mapping(headers: list[str], mapping_columns: dict[str, str]) -> dict[str, str]:
    """A saved mapping (header → field) applied to this file's headers (others not imported)."""
    by_header = {normalise_header(h): key for h, key in mapping_columns.items()}
    columns = {}
    for index, header in enumerate(headers):
        key = by_header.get(normalise_header(header))
        if key in BY_KEY:
            columns[str(index)] = key
    return columns
