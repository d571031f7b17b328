"""What a company register backend answers, and the one reading of the register's JSON.

A backend has :meth:`BaseRegister.lookup` (one unit by organisation number: a main unit
or a branch), :meth:`BaseRegister.search` (main units by name) and
:meth:`BaseRegister.branches` (a main unit's branches), and raises :class:`RegisterError`
with a message for the user when the register could not be asked (a timeout, a refused
address). «Not found» and «removed from public view» are answers, not errors.
"""

from __future__ import annotations

import datetime
import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from stdnum.no import orgnr

# The name search: at most this many units a page, and a name cut to this length.
SEARCH_LIMIT = 20
MAX_NAME = 100


class RegisterError(Exception):
    """The register could not be asked; ``str(error)`` is shown to the user."""


class LookupState(enum.StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    # The register answers 410 Gone for a unit it has removed from public view: it
    # existed, and may not be shown; not the same as a number nobody ever had.
    REMOVED = "removed"


@dataclass(frozen=True)
class Address:
    lines: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    country_code: str = ""

    @property
    def street(self) -> str:
        return ", ".join(self.lines)

    def __str__(self) -> str:
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street, place) if part)

    def __bool__(self) -> bool:
        return bool(self.lines or self.postcode or self.city)


@dataclass(frozen=True)
class RegisterUnit:
    org_number: str
    name: str
    is_branch: bool = False
    # A branch's main unit; for a main unit, the unit above it where the register has one
    # (public bodies), else empty.
    parent_org_number: str = ""
    organisation_form: str = ""  # the code: «AS», «ENK», «BEDR»
    organisation_form_text: str = ""  # «Aksjeselskap»
    industry_code: str = ""  # NACE, «62.010»
    industry_text: str = ""
    postal_address: Address = Address()
    # The main unit's «forretningsadresse», a branch's «beliggenhetsadresse».
    business_address: Address = Address()
    website: str = ""
    mva_registered: bool = False
    bankrupt: bool = False
    under_liquidation: bool = False  # «under avvikling» or compulsory dissolution
    deleted_on: datetime.date | None = None  # «slettedato»: dissolved and deleted

    @property
    def dissolved(self) -> bool:
        return self.deleted_on is not None

    @property
    def address(self) -> Address:
        """The address to write to: the postal one, else where the business is."""
        return self.postal_address or self.business_address


@dataclass(frozen=True)
class LookupResult:
    state: LookupState
    org_number: str
    unit: RegisterUnit | None = None

    @property
    def found(self) -> bool:
        return self.state == LookupState.FOUND


class BaseRegister(ABC):
    """Subclasses implement the three reads; keyword arguments override settings."""

    @abstractmethod
    def lookup(self, org_number: str) -> LookupResult:
        """The unit with this (valid, compact) number: a main unit, else a branch."""

    @abstractmethod
    def search(self, name: str, *, limit: int = SEARCH_LIMIT) -> list[RegisterUnit]:
        """Main units whose name matches, the register's best first."""

    @abstractmethod
    def branches(self, org_number: str, *, limit: int = SEARCH_LIMIT) -> list[RegisterUnit]:
        """The branches (underenheter) of the main unit with this number."""


def get_register(path: str | None = None, **kwargs) -> BaseRegister | None:
    """The configured register backend, or None when none is configured."""
    path = path if path is not None else settings.COMPANY_REGISTER_BACKEND
    return import_string(path)(**kwargs) if path else None


def valid_org_number(value: str) -> str:
    """``value`` as nine digits when it is a valid organisation number, else empty."""
    compact = orgnr.compact(value or "")[:20]
    return compact if compact.isascii() and orgnr.is_valid(compact) else ""


def _text(value, length: int = 300) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip().replace("\x00", "")[:length]


def _code(data, key: str) -> tuple[str, str]:
    value = data.get(key)
    if not isinstance(value, dict):
        return "", ""
    return _text(value.get("kode"), 20), _text(value.get("beskrivelse"))


def _flag(value) -> bool:
    """A JSON true, or the bulk CSV's «true»/«J»."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "j", "ja")
    return value is True


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _address(value) -> Address:
    if not isinstance(value, dict):
        return Address()
    lines = value.get("adresse")
    if isinstance(lines, str):  # the bulk CSV: one cell
        lines = [lines]
    if not isinstance(lines, list):
        lines = []
    return Address(
        lines=tuple(line for line in (_text(item, 200) for item in lines) if line),
        postcode=_text(value.get("postnummer"), 10),
        city=_text(value.get("poststed"), 100),
        country_code=_text(value.get("landkode"), 2),
    )


def unit_from_json(data: dict, *, branch: bool) -> RegisterUnit | None:
    """One unit as the register's API and its bulk download give it (``enheter`` or
    ``underenheter``); None when it has no valid organisation number."""
    if not isinstance(data, dict):
        return None
    number = valid_org_number(_text(data.get("organisasjonsnummer"), 20))
    if not number:
        return None
    form, form_text = _code(data, "organisasjonsform")
    industry, industry_text = _code(data, "naeringskode1")
    business = data.get("beliggenhetsadresse" if branch else "forretningsadresse")
    return RegisterUnit(
        org_number=number,
        name=_text(data.get("navn"), 200),
        is_branch=branch,
        parent_org_number=valid_org_number(_text(data.get("overordnetEnhet"), 20)),
        organisation_form=form,
        organisation_form_text=form_text,
        industry_code=industry,
        industry_text=industry_text,
        postal_address=_address(data.get("postadresse")),
        business_address=_address(business),
        website=_text(data.get("hjemmeside"), 300),
        mva_registered=_flag(data.get("registrertIMvaregisteret")),
        bankrupt=_flag(data.get("konkurs")),
        under_liquidation=_flag(data.get("underAvvikling"))
        or _flag(data.get("underTvangsavviklingEllerTvangsopplosning")),
        deleted_on=_date(data.get("slettedato")) or _date(data.get("nedleggelsesdato")),
    )
