"""The fields a file's column can be mapped to, how a header is recognised, and how a cell
is read (Norwegian and English headers; Norwegian dates, phones and org.nr).

Which record a field lands on: a row with a last name is a person; with a company name, a
company; with both, the person linked to the company. Fields that both have (address,
e-mail, phone) go to the person when there is one, otherwise to the company; the customer
number goes to the company when the row has one (a B2B export's «Kundenr» is the
customer's), otherwise to the person (a private customer).
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr


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


# --- reading a cell ------------------------------------------------------------------------

COUNTRIES = {
    "norge": "NO",
    "norway": "NO",
    "noreg": "NO",
    "sverige": "SE",
    "sweden": "SE",
    "danmark": "DK",
    "denmark": "DK",
    "finland": "FI",
    "suomi": "FI",
    "island": "IS",
    "iceland": "IS",
    "tyskland": "DE",
    "germany": "DE",
    "deutschland": "DE",
    "storbritannia": "GB",
    "england": "GB",
    "united kingdom": "GB",
    "uk": "GB",
    "usa": "US",
    "united states": "US",
    "frankrike": "FR",
    "france": "FR",
    "nederland": "NL",
    "netherlands": "NL",
    "spania": "ES",
    "spain": "ES",
    "polen": "PL",
    "poland": "PL",
    "italia": "IT",
    "italy": "IT",
}
_email = EmailValidator()
_url = URLValidator()


class CellError(ValueError):
    """A cell that cannot be read; its message is shown for the row and column."""


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_cell(f: Field, value):
    """The cell as the field's value ("" or None when empty); CellError when unreadable."""
    if f.kind == "date":
        return _date(value)
    text = as_text(value)
    if f.max_length and len(text) > f.max_length and f.kind != "list":
        raise CellError(
            _("Too long: %(length)s characters, at most %(max)s.")
            % {"length": len(text), "max": f.max_length}
        )
    if not text:
        return None if f.kind == "number" else ""
    reader = _READERS.get(f.kind)
    return reader(text) if reader else text


def _norwegian_pattern():
    """phonenumbers' own patterns of the Norwegian eight-digit number types, as one regex."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("NO")
    kinds = (
        "fixed_line",
        "mobile",
        "toll_free",
        "premium_rate",
        "shared_cost",
        "personal_number",
        "voip",
        "voicemail",
    )
    patterns = [
        getattr(meta, kind).national_number_pattern
        for kind in kinds
        if getattr(meta, kind) is not None and 8 in getattr(meta, kind).possible_length
    ]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_NORWEGIAN = _norwegian_pattern()
_EIGHT_DIGITS = re.compile(r"(?:\+47|0047)?(\d{8})")


def _phone(text: str) -> str:
    # The common case, «412 34 567» or «+47 41234567», checked against the same patterns
    # phonenumbers uses, without its parse (five seconds of a 100,000-row import).
    compact = re.sub(r"[\s\-.()]", "", text)
    match = _EIGHT_DIGITS.fullmatch(compact)
    if match and _NORWEGIAN.fullmatch(match[1]):
        return f"+47{match[1]}"
    try:
        number = phonenumbers.parse(text, "NO")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise CellError(_("«%(value)s» is not a valid phone number.") % {"value": text[:50]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email_address(text: str) -> str:
    try:
        _email(text)
    except ValidationError:
        raise CellError(
            _("«%(value)s» is not a valid e-mail address.") % {"value": text[:80]}
        ) from None
    return text


def _number(text: str) -> int:
    digits = re.sub(r"\s", "", text)
    if not digits.isdigit() or len(digits) > 15 or int(digits) == 0:
        raise CellError(_("«%(value)s» is not a customer number.") % {"value": text[:50]})
    return int(digits)


def _orgnr(text: str) -> str:
    compact = re.sub(r"[\s.\-]", "", text).upper().removeprefix("NO").removesuffix("MVA")
    try:
        return _valid_orgnr(compact)
    except StdnumError:
        raise CellError(
            _("«%(value)s» is not a valid Norwegian organisation number.") % {"value": text[:50]}
        ) from None


def _country(text: str) -> str:
    if len(text) == 2 and text.isalpha() and text.isascii():
        return text.upper()
    code = COUNTRIES.get(text.casefold())
    if code is None:
        raise CellError(
            _("«%(value)s» is not a country we know; use a two-letter code such as NO or SE.")
            % {"value": text[:50]}
        )
    return code


def _website(text: str) -> str:
    url = text if "://" in text else f"https://{text}"
    try:
        _url(url)
    except ValidationError:
        raise CellError(_("«%(value)s» is not a web address.") % {"value": text[:80]}) from None
    return url


def _list(text: str) -> list[str]:
    names = [part.strip() for part in re.split(r"[;,|]", text) if part.strip()]
    for name in names:
        if len(name) > 100:
            raise CellError(_("A category name is longer than 100 characters."))
    return names


@functools.lru_cache(maxsize=50_000)  # a company's number repeats on each of its people's rows
def _valid_orgnr(compact: str) -> str:
    return orgnr.validate(compact)


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S")


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = as_text(value)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(
        _("«%(value)s» is not a date (write it as 31.12.2024).") % {"value": text[:50]}
    )


_READERS = {
    "phone": _phone,
    "email": _email_address,
    "number": _number,
    "orgnr": _orgnr,
    "country": _country,
    "url": _website,
    "list": _list,
}
