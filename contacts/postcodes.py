"""Postcodes: the Norwegian register, and the postcode rules for addresses abroad.

Posten/Bring publish the «Postnummerregister» as a tab-separated Windows-1252 file, one
postcode a line: postnummer, poststed, kommunenummer, kommune, kategori. A copy ships in
contacts/data/ (loaded by a migration); ``manage.py refresh_postcodes`` replaces it with
the published file. Other countries' postcodes are checked only where the format is
known and fixed (:data:`FORMATS`); the rest are accepted as typed, within the field.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import PostalCode

NORWAY = "NO"
REGISTER_URL = "https://www.bring.no/postnummerregister-ansi.txt"
REGISTER_ENCODING = "cp1252"

# Countries whose postcodes have one fixed shape, as people write them («123 45» or «12345»
# in Sweden). Each entry: the pattern and an example for the error message.
FORMATS: dict[str, tuple[str, str]] = {
    "NO": (r"[0-9]{4}", "0150"),
    "SE": (r"[0-9]{3} ?[0-9]{2}", "123 45"),
    "DK": (r"[0-9]{4}", "2100"),
    "FI": (r"[0-9]{5}", "00100"),
    "IS": (r"[0-9]{3}", "101"),
    "DE": (r"[0-9]{5}", "10115"),
    "FR": (r"[0-9]{5}", "75001"),
    "ES": (r"[0-9]{5}", "28001"),
    "IT": (r"[0-9]{5}", "00118"),
    "AT": (r"[0-9]{4}", "1010"),
    "CH": (r"[0-9]{4}", "8001"),
    "BE": (r"[0-9]{4}", "1000"),
    "NL": (r"[0-9]{4} ?[A-Za-z]{2}", "1012 AB"),
    "PL": (r"[0-9]{2}-[0-9]{3}", "00-950"),
    "US": (r"[0-9]{5}(-[0-9]{4})?", "10001"),
    "GB": (r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", "SW1A 1AA"),
}
# Anywhere else: letters, digits, spaces and hyphens (the field holds ten characters).
FREE_FORM = r"[A-Za-z0-9][A-Za-z0-9 -]*"


@dataclass(frozen=True)
class RegisterLine:
    postcode: str
    town: str
    municipality_number: str = ""
    municipality: str = ""
    category: str = ""


def parse_register(data: bytes, *, encoding: str = REGISTER_ENCODING) -> list[RegisterLine]:
    """The lines of a register file; a line without a four-digit postcode and a town is
    left out (a header, an empty last line)."""
    lines = {}
    for row in data.decode(encoding, errors="replace").splitlines():
        columns = [column.strip() for column in row.split("\t")]
        if len(columns) < 2 or not re.fullmatch(r"[0-9]{4}", columns[0]) or not columns[1]:
            continue
        columns += [""] * (5 - len(columns))
        lines[columns[0]] = RegisterLine(
            postcode=columns[0],
            town=columns[1][:100],
            municipality_number=columns[2][:4],
            municipality=columns[3][:100],
            category=columns[4][:1],
        )
    return list(lines.values())


@dataclass
class RefreshResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@transaction.atomic
def postcodes_replace(
    *,
    lines: Iterable[RegisterLine],
    progress: Callable[[int], None] | None = None,
) -> RefreshResult:
    """Make the table hold exactly these lines: new ones added, changed ones updated, the
    ones the register no longer has removed. Run again with the same lines, it writes nothing.

    ``progress`` is called with the number of lines handled since its last call.
    """
    lines = list(lines)
    if not lines:
        # An empty or unreadable file must not wipe the register.
        raise ValidationError(_("The file holds no postcodes."), code="empty")
    existing = {code.postcode: code for code in PostalCode.objects.all()}
    result = RefreshResult()
    to_create, to_update = [], []
    for line in lines:
        row = PostalCode(**line.__dict__)
        current = existing.pop(line.postcode, None)
        if current is None:
            to_create.append(row)
        elif RegisterLine(**{f: getattr(current, f) for f in line.__dict__}) != line:
            to_update.append(row)
        else:
            result.unchanged += 1
    batch = 1000
    for start in range(0, len(to_create), batch):
        PostalCode.objects.bulk_create(to_create[start : start + batch])
        if progress:
            progress(len(to_create[start : start + batch]))
    fields = ["town", "municipality_number", "municipality", "category"]
    for start in range(0, len(to_update), batch):
        PostalCode.objects.bulk_update(to_update[start : start + batch], fields)
        if progress:
            progress(len(to_update[start : start + batch]))
    if existing:
        PostalCode.objects.filter(postcode__in=list(existing)).delete()
    if progress:
        progress(result.unchanged)
    result.created, result.updated, result.removed = len(to_create), len(to_update), len(existing)
    return result


def town_for(postcode: str) -> str | None:
    """The post town of a Norwegian postcode, or None when the register does not know it."""
    postcode = (postcode or "").strip()
    if not re.fullmatch(r"[0-9]{4}", postcode):
        return None
    return PostalCode.objects.filter(postcode=postcode).values_list("town", flat=True).first()


def is_register_town(town: str) -> bool:
    """Whether a town is one the register names (so it was filled in, not typed)."""
    return PostalCode.objects.filter(town=(town or "").strip().upper()).exists()


def clean_postcode(*, country: str, postcode: str, check_register: bool = True) -> str:
    """The postcode as typed (trimmed), or a ValidationError saying what shape it must have.

    A Norwegian one must also be in the register (while the register is loaded), unless
    ``check_register`` is false (a postcode saved before and left as it was).
    """
    postcode = " ".join((postcode or "").split())
    if not postcode:
        return ""
    pattern, example = FORMATS.get(country, (FREE_FORM, ""))
    if not re.fullmatch(pattern, postcode):
        if country == NORWAY:
            raise ValidationError(_("A Norwegian postcode has four digits."), code="invalid")
        if example:
            raise ValidationError(
                _("This postcode does not fit the country; it should look like %(example)s."),
                code="invalid",
                params={"example": example},
            )
        raise ValidationError(
            _("A postcode has only letters, digits, spaces and hyphens."), code="invalid"
        )
    if (
        country == NORWAY
        and check_register
        and town_for(postcode) is None
        and PostalCode.objects.exists()  # an empty register (not loaded) checks nothing
    ):
        raise ValidationError(
            _("The postcode %(postcode)s is not in Posten's postcode register."),
            code="unknown_postcode",
            params={"postcode": postcode},
        )
    return postcode
