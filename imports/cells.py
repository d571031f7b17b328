"""How a cell is read for a field (``fields.py``): as text, a date, a phone number, an
e-mail or web address, a customer number, an org.nr, a country or a list; Norwegian
dates, phones and org.nr. A cell that cannot be read raises ``CellError``.
"""

from __future__ import annotations

import datetime
import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from .fields import Field

# The characters of an unreadable cell that its error message repeats (addresses more).
VALUE_IN_MESSAGE = 50
ADDRESS_IN_MESSAGE = 80
# The digits a customer number may have.
CUSTOMER_NUMBER_MAX_DIGITS = 15
# The characters a category name may have (the message says so too).
CATEGORY_NAME_MAX = 100
# Org.nrs checked and remembered: a company's number repeats on each of its people's rows.
ORGNR_CACHE_SIZE = 50_000


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
        raise CellError(
            _("«%(value)s» is not a valid phone number.") % {"value": text[:VALUE_IN_MESSAGE]}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email_address(text: str) -> str:
    try:
        _email(text)
    except ValidationError:
        raise CellError(
            _("«%(value)s» is not a valid e-mail address.") % {"value": text[:ADDRESS_IN_MESSAGE]}
        ) from None
    return text


def _number(text: str) -> int:
    digits = re.sub(r"\s", "", text)
    if not digits.isdigit() or len(digits) > CUSTOMER_NUMBER_MAX_DIGITS or int(digits) == 0:
        raise CellError(
            _("«%(value)s» is not a customer number.") % {"value": text[:VALUE_IN_MESSAGE]}
        )
    return int(digits)


def _orgnr(text: str) -> str:
    compact = re.sub(r"[\s.\-]", "", text).upper().removeprefix("NO").removesuffix("MVA")
    try:
        return _valid_orgnr(compact)
    except StdnumError:
        raise CellError(
            _("«%(value)s» is not a valid Norwegian organisation number.")
            % {"value": text[:VALUE_IN_MESSAGE]}
        ) from None


def _country(text: str) -> str:
    if len(text) == 2 and text.isalpha() and text.isascii():
        return text.upper()
    code = COUNTRIES.get(text.casefold())
    if code is None:
        raise CellError(
            _("«%(value)s» is not a country we know; use a two-letter code such as NO or SE.")
            % {"value": text[:VALUE_IN_MESSAGE]}
        )
    return code


def _website(text: str) -> str:
    url = text if "://" in text else f"https://{text}"
    try:
        _url(url)
    except ValidationError:
        raise CellError(
            _("«%(value)s» is not a web address.") % {"value": text[:ADDRESS_IN_MESSAGE]}
        ) from None
    return url


def _list(text: str) -> list[str]:
    names = [part.strip() for part in re.split(r"[;,|]", text) if part.strip()]
    for name in names:
        if len(name) > CATEGORY_NAME_MAX:
            raise CellError(_("A category name is longer than 100 characters."))
    return names


@functools.lru_cache(maxsize=ORGNR_CACHE_SIZE)
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
        _("«%(value)s» is not a date (write it as 31.12.2024).")
        % {"value": text[:VALUE_IN_MESSAGE]}
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
