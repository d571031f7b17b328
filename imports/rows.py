"""A file's rows read into values, before any planning: each mapped cell through
``cells.read_cell`` (its error kept with its column), owners found by name, and a row's
values split into the person's side, the company's side and the link between them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from .cells import VALUE_IN_MESSAGE, CellError, read_cell
from .fields import BY_KEY
from .reading import Table

# The rows whose raw cells the preview shows.
PREVIEW_ROWS = 10


def read_rows(table: Table, columns: dict[str, str], owners: dict[str, int]):
    """(row number, {field: value}, errors) for each row of the table."""
    mapped = [
        (int(index), BY_KEY[key])
        for index, key in columns.items()
        if key in BY_KEY and int(index) < len(table.headers)
    ]
    for offset, cells in enumerate(table.rows):
        number = table.first_row_number + offset
        values, errors = {}, []
        for index, spec in mapped:
            try:
                value = read_cell(spec, cells[index])
            except CellError as error:
                errors.append((table.headers[index], str(error)))
                continue
            if spec.kind == "owner" and value:
                owner = owners.get(value.casefold())
                if owner is None:
                    errors.append(
                        (
                            table.headers[index],
                            _("No user is called «%(name)s».")
                            % {"name": value[:VALUE_IN_MESSAGE]},
                        )
                    )
                    continue
                value = owner
            if value not in ("", None, []):
                values[spec.key] = value
        # The raw cells are kept for the preview's rows only (memory: 100,000 rows).
        yield number, values, errors, cells if offset < PREVIEW_ROWS else None


def owners_by_name() -> dict[str, int]:
    found = {}
    for user in (
        get_user_model()
        .objects.filter(is_active=True)
        .only("id", "username", "email", "first_name", "last_name")
    ):
        for name in (user.get_full_name(), user.email, user.username):
            if name:
                found[name.casefold()] = user.pk
    return found


def sides(values: dict) -> tuple[dict, dict]:
    """The row's person and company, each as {model field: value} (see fields.py)."""
    person: dict = {}
    firm: dict = {}
    if values.get("last_name") or values.get("first_name") or values.get("full_name"):
        first, last = values.get("first_name", ""), values.get("last_name", "")
        if not last and values.get("full_name"):
            given, _sep, family = values["full_name"].rpartition(" ")
            first, last = first or given, family
        person = {"first_name": first, "last_name": last}
    if values.get("company_name") or values.get("org_number"):
        firm = {"name": values.get("company_name", "")}
        if values.get("org_number"):
            firm["org_number"] = values["org_number"]
        if values.get("company_phone"):
            firm["phone"] = values["company_phone"]
        if values.get("company_email"):
            firm["email"] = values["company_email"]
    main = person if person else firm
    if not main:
        return person, firm
    for key in ("street_address", "postcode", "city", "country", "website", "owner"):
        if key in values:
            main["owner_id" if key == "owner" else key] = values[key]
    if firm and "owner" in values:
        firm["owner_id"] = values["owner"]
    (firm if firm else person)["customer_number"] = values.get("customer_number")
    if person:
        for key in ("mobile", "private_phone", "notes"):
            if key in values:
                person[key] = values[key]
        person["emails"] = [values["email"]] if values.get("email") else []
        if not firm and "work_phone" in values:
            person["work_phone"] = values["work_phone"]
        person["categories"] = values.get("categories", [])
    else:
        if "email" in values and "email" not in firm:
            firm["email"] = values["email"]
        if "work_phone" in values and "phone" not in firm:
            firm["phone"] = values["work_phone"]
        firm["categories"] = values.get("categories", [])
    return person, firm


def link_values(values: dict) -> dict:
    link = {}
    for key, name in (
        ("position", "position"),
        ("work_phone", "work_phone"),
        ("link_email", "email"),
        ("start_date", "start_date"),
        ("end_date", "end_date"),
    ):
        if key in values:
            link[name] = values[key]
    return link
