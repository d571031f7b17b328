"""The checks a row of an import must pass before the plan takes it: a person needs a last
name, a company a name, an org.nr and a customer number may not belong to someone else,
and a link may not end before it starts. A failed check raises ``Refused`` with the
column to blame (as the file heads it) and the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from .existing import Existing
from .plan import Entity


class Refused(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def check_sides(person: dict, firm: dict, *, header: Callable[[str], str]) -> None:
    if not person and not firm:
        raise Refused("", _("The row names neither a person (last name) nor a company."))
    if person and not person["last_name"]:
        raise Refused(
            header("last_name") or header("full_name"),
            _("A contact needs a last name."),
        )


def check_company_name(firm: dict, *, header: Callable[[str], str]) -> None:
    if not firm.get("name"):
        raise Refused(
            header("org_number") or header("company_name"),
            _("A company needs a name."),
        )


def check_org_number(
    company: Entity, firm: dict, *, existing: Existing, header: Callable[[str], str]
) -> None:
    if firm.get("org_number") and company.current.get("org_number") not in (
        None,
        "",
        firm["org_number"],
    ):
        raise Refused(
            header("org_number"),
            _("%(company)s already has organisation number %(orgnr)s.")
            % {
                "company": company.current.get("name"),
                "orgnr": company.current["org_number"],
            },
        )
    holder = existing.org_holders.get(firm.get("org_number"))
    if holder is not None and holder[0] != company.id:
        raise Refused(
            header("org_number"),
            _(
                "Organisation number %(orgnr)s belongs to %(company)s; match on"
                " organisation number to update that company."
            )
            % {"orgnr": firm["org_number"], "company": holder[1]},
        )


def check_dates(link: dict, *, header: Callable[[str], str]) -> None:
    start, end = link.get("start_date"), link.get("end_date")
    if start and end and end < start:
        raise Refused(header("end_date"), _("The end date cannot be before the start date."))


def check_number(
    entity: Entity,
    number: int | None,
    *,
    given: dict[int, Entity],
    existing: Existing,
    column: str,
):
    """(number, entity) when the entity may keep the number; Refused otherwise.
    ``given``: the numbers earlier rows of the file have given."""
    if not number:
        return None
    have = entity.value("customer_number")
    if have and have != number:
        raise Refused(
            column,
            _("%(name)s already has customer number %(number)s.")
            % {
                "name": entity.current.get("name")
                or " ".join(
                    filter(
                        None,
                        [entity.current.get("first_name"), entity.current.get("last_name")],
                    )
                ),
                "number": have,
            },
        )
    claimed = given.get(number)
    if claimed is not None and claimed is not entity:
        raise Refused(
            column,
            _("Customer number %(number)s is given to someone else earlier in the file.")
            % {"number": number},
        )
    if number in existing.retired:
        raise Refused(
            column,
            _("Customer number %(number)s was retired by a merge and is not used again.")
            % {"number": number},
        )
    holder = existing.numbers.get(number)
    if holder is not None and holder != (entity.kind, entity.id):
        raise Refused(
            column,
            _("Customer number %(number)s belongs to another %(kind)s.")
            % {
                "number": number,
                "kind": _("contact") if holder[0] == "contact" else _("company"),
            },
        )
    return number, entity
