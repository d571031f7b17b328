"""What an import will do, row by row, before anything is written (the dry run).

The whole file is planned at once: each row's cells are read (``fields.read_cell``), the
person, company and link it names are found (among earlier rows of the file, then in the
database by the match keys the user picked) or planned as new, and the row is counted as
created, updated, skipped (nothing new) or refused (with its row, column and reason).
The database is read with a few queries per kind of key, never one per row: 100,000 rows
plan in seconds (``benchmarks/import_bench.py``). ``writing.py`` then writes the plan.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast, Lower
from django.utils.translation import gettext as _
from phonenumber_field.modelfields import PhoneNumberField

from companies.models import Company, CompanyLink
from contacts.models import Category, Contact, ContactEmail, RetiredCustomerNumber

from .fields import BY_KEY, CellError, read_cell
from .reading import Table

CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "mobile",
    "work_phone",
    "private_phone",
    "street_address",
    "postcode",
    "city",
    "country",
    "website",
    "notes",
    "customer_number",
    "owner_id",
]
COMPANY_FIELDS = [
    "name",
    "org_number",
    "customer_number",
    "street_address",
    "postcode",
    "city",
    "country",
    "phone",
    "email",
    "website",
    "owner_id",
]
LINK_FIELDS = ["position", "work_phone", "email", "start_date", "end_date"]
PREVIEW_ROWS = 10
LOOKUP_CHUNK = 20_000


_NONE = ()


class Entity:
    """A contact, company or link the import creates or updates."""

    __slots__ = (
        "kind",
        "id",
        "current",
        "values",
        "before",
        "emails",
        "emails_add",
        "categories",
        "categories_add",
        "first_row",
        "contact",
        "company",
        "name",
        "registered",
        "maybe",
    )

    def __init__(self, kind: str, *, id=None, current=None, first_row: int = 0):
        self.kind = kind
        self.id = id  # None while it is new
        self.current = current or {}  # the database's values, for an existing one
        self.values: dict = {}  # what the import sets
        self.before: dict = {}  # the earlier values of what it changes
        # Filled when needed (most records have none: an empty set is 216 bytes, and an
        # import of 100,000 rows holds 220,000 records).
        self.emails: list[str] = _NONE  # an existing contact's addresses (lower-case)
        self.emails_add: list[str] = _NONE
        self.categories: set[int] = _NONE  # existing category ids
        self.categories_add: set[str] = _NONE  # category names (lower-case) to add
        self.first_row = first_row
        self.contact: Entity | None = None  # a link's ends
        self.company: Entity | None = None
        self.name = ""
        self.registered = False
        self.maybe = False  # new, but may be found in the database in finish()

    @property
    def is_new(self) -> bool:
        return self.id is None

    def value(self, name):
        return self.values.get(name, self.current.get(name))

    def changes(self) -> bool:
        return bool(self.values) or bool(self.emails_add) or bool(self.categories_add)


@dataclass(slots=True)
class Row:
    number: int
    status: str = "skipped"  # created, updated, skipped, refused
    # What this row changes on records that exist, or may turn out to: (record, "field"
    # name | "email" address | "category" name). Kept only for those: a fresh import's
    # 100,000 rows would otherwise hold a million of them.
    changes: list | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    entities: list[Entity] = field(default_factory=list)


@dataclass
class Plan:
    file_name: str
    headers: list[str]
    columns: dict[str, str]
    rows: list[Row]
    entities: list[Entity]  # in the order they are first named
    categories: dict[str, int]  # lower-case name → id of the existing ones
    category_names: dict[str, str]  # lower-case → as written, for new ones
    preview: list[dict]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("created", "updated", "skipped", "refused"), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def errors(self) -> list[dict]:
        return [
            {"row": row.number, "column": column, "message": message}
            for row in self.rows
            for column, message in row.errors
        ]

    def report(self) -> dict:
        return {
            "counts": self.counts(),
            "errors": self.errors(),
            "preview": self.preview,
            "headers": self.preview_headers(),
        }

    def preview_headers(self) -> list[str]:
        return [self.headers[int(i)] for i in sorted(self.columns, key=int)]


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- reading the rows ----------------------------------------------------------------------


def _read_rows(table: Table, columns: dict[str, str], owners: dict[str, int]):
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
                            _("No user is called «%(name)s».") % {"name": value[:50]},
                        )
                    )
                    continue
                value = owner
            if value not in ("", None, []):
                values[spec.key] = value
        # The raw cells are kept for the preview's rows only (memory: 100,000 rows).
        yield number, values, errors, cells if offset < PREVIEW_ROWS else None


def _owners() -> dict[str, int]:
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


# --- the database's side -------------------------------------------------------------------


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _values(queryset, fields, *extra):
    """``values()`` with phone columns as their stored text (E.164), not parsed objects:
    reading 10,000 contacts parsed 20,000 numbers again, a second and a half."""
    model = queryset.model
    raw = {}
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - "owner_id" and lookups are no field names here
            continue
        if isinstance(field, PhoneNumberField):
            raw[f"{name}__raw"] = Cast(name, TextField())
    plain = [f for f in fields if f"{f}__raw" not in raw]
    for row in queryset.values(*plain, *extra, **raw):
        for key in raw:
            row[key[:-5]] = row.pop(key) or ""
        yield row


def _rows_by(model, fields, lookup, keys, key_of):
    found = {}
    for chunk in _chunks(keys):
        for row in _values(
            model.objects.filter(**{lookup: chunk}).order_by("id"), ["id", *fields]
        ):
            found.setdefault(key_of(row), row)
    return found


class Existing:
    """The database's contacts and companies that the file's keys name, read in bulk."""

    def __init__(self, parsed, match_keys):
        contact_numbers, company_numbers, emails, orgs, names = set(), set(), set(), set(), set()
        company_emails, last_names = set(), set()
        for _number, values, _errors, _cells in parsed:
            person, firm = _sides(values)
            if firm.get("customer_number"):
                company_numbers.add(firm["customer_number"])
            if person.get("customer_number"):
                contact_numbers.add(person["customer_number"])
            emails.update(e.lower() for e in person.get("emails", []))
            if firm.get("org_number"):
                orgs.add(firm["org_number"])
            if firm.get("name"):
                names.add(firm["name"].lower())
            if firm.get("email"):
                company_emails.add(firm["email"].lower())
            if person.get("last_name"):
                last_names.add(person["last_name"])
        keys = set(match_keys)
        cf = ["id", *CONTACT_FIELDS]
        self.contact_by_number = (
            _rows_by(
                Contact, cf, "customer_number__in", contact_numbers, lambda r: r["customer_number"]
            )
            if "customer_number" in keys
            else {}
        )
        self.contact_by_email = {}
        if "email" in keys and emails:
            ids = {}
            for chunk in _chunks(emails):
                for email, contact_id in (
                    ContactEmail.objects.annotate(lower=Lower("email"))
                    .filter(lower__in=chunk)
                    .order_by("contact_id")
                    .values_list("lower", "contact_id")
                ):
                    ids.setdefault(email, contact_id)
            rows = _rows_by(Contact, cf, "id__in", set(ids.values()), lambda r: r["id"])
            self.contact_by_email = {e: rows[i] for e, i in ids.items() if i in rows}
        self.contact_by_name = {}
        if "name" in keys and last_names:
            seen = defaultdict(list)
            for chunk in _chunks(last_names):
                for row in _values(Contact.objects.filter(last_name__in=chunk), cf):
                    seen[(row["first_name"].lower(), row["last_name"].lower())].append(row)
            # Only a name that one contact alone has identifies someone.
            self.contact_by_name = {k: v[0] for k, v in seen.items() if len(v) == 1}
        pf = ["id", *COMPANY_FIELDS]
        self.company_by_number = (
            _rows_by(
                Company, pf, "customer_number__in", company_numbers, lambda r: r["customer_number"]
            )
            if "customer_number" in keys
            else {}
        )
        self.company_by_org = (
            _rows_by(Company, pf, "org_number__in", orgs, lambda r: r["org_number"])
            if "org_number" in keys
            else {}
        )
        # An org.nr is unique among companies: who holds each, matched on or not.
        self.org_holders = {
            org: (pk, name)
            for chunk in _chunks(sorted(orgs))
            for org, pk, name in Company.objects.filter(org_number__in=chunk).values_list(
                "org_number", "id", "name"
            )
        }
        self.company_by_email = {}
        if "email" in keys and company_emails:
            for chunk in _chunks(company_emails):
                for row in _values(
                    Company.objects.annotate(lower=Lower("email"))
                    .filter(lower__in=chunk)
                    .order_by("id"),
                    pf,
                    "lower",
                ):
                    self.company_by_email.setdefault(row.pop("lower"), row)
        # A company is also known by its exact name (case aside): without an org.nr, it
        # is all a spreadsheet has, and a rerun must not make the firm twice.
        self.company_by_name = {}
        for chunk in _chunks(names):
            for row in _values(
                Company.objects.annotate(lower=Lower("name"))
                .filter(lower__in=chunk)
                .order_by("id"),
                pf,
                "lower",
            ):
                self.company_by_name.setdefault(row.pop("lower"), row)
        with connection.cursor() as cursor:
            numbers = sorted(contact_numbers | company_numbers)
            cursor.execute(
                "SELECT customer_number, 'contact', id FROM contacts_contact"
                " WHERE customer_number = ANY(%s) UNION ALL"
                " SELECT customer_number, 'company', id FROM companies_company"
                " WHERE customer_number = ANY(%s)",
                [numbers, numbers],
            )
            self.numbers = {n: (kind, pk) for n, kind, pk in cursor.fetchall()}
        # Numbers a merge retired are never handed out again, imported or not.
        self.retired = set(
            RetiredCustomerNumber.objects.filter(number__in=numbers).values_list(
                "number", flat=True
            )
        )

    def company_details(self, companies: list[Entity]) -> None:
        """The people (by name), links and categories of the companies found."""
        ids = [c.id for c in companies if c.id]
        found = {c.id: c for c in companies if c.id}
        self.people_by_company: dict[tuple, int] = {}
        self.open_links: dict[tuple[int, int], dict] = {}
        for chunk in _chunks(ids):
            for link in _values(
                CompanyLink.objects.filter(company_id__in=chunk),
                [
                    "id",
                    "company_id",
                    "contact_id",
                    "end_date",
                    *LINK_FIELDS[:-2],
                    "start_date",
                    "contact__first_name",
                    "contact__last_name",
                ],
            ):
                name = (link["contact__first_name"].lower(), link["contact__last_name"].lower())
                self.people_by_company.setdefault((link["company_id"], name), link["contact_id"])
                if link["end_date"] is None:
                    self.open_links[(link["contact_id"], link["company_id"])] = link
            through = Company.categories.through
            for company_id, category_id in through.objects.filter(
                company_id__in=chunk
            ).values_list("company_id", "category_id"):
                company = found[company_id]
                if company.categories is _NONE:
                    company.categories = set()
                company.categories.add(category_id)

    def contact_details(self, contacts: list[Entity]) -> None:
        ids = [c.id for c in contacts if c.id]
        by_id = {c.id: c for c in contacts if c.id}
        for chunk in _chunks(ids):
            for contact_id, email in (
                ContactEmail.objects.filter(contact_id__in=chunk)
                .order_by("position", "id")
                .values_list("contact_id", "email")
            ):
                contact = by_id[contact_id]
                if contact.emails is _NONE:
                    contact.emails = []
                contact.emails.append(email.lower())
            through = Contact.categories.through
            for contact_id, category_id in through.objects.filter(
                contact_id__in=chunk
            ).values_list("contact_id", "category_id"):
                contact = by_id[contact_id]
                if contact.categories is _NONE:
                    contact.categories = set()
                contact.categories.add(category_id)


def _sides(values: dict) -> tuple[dict, dict]:
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


def _link_values(values: dict) -> dict:
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


# --- the plan ------------------------------------------------------------------------------


def build_plan(
    *, table: Table, columns: dict[str, str], match_keys: list[str], file_name: str
) -> Plan:
    parsed = list(_read_rows(table, columns, _owners()))
    table.rows = []  # read: let the raw cells go (the plan is built from ``parsed``)
    existing = Existing(parsed, match_keys)
    planner = _Planner(existing, set(match_keys), table, columns)
    for index, item in enumerate(parsed):
        parsed[index] = None
        planner.plan_row(*item)
    planner.finish()
    return Plan(
        file_name=file_name,
        headers=table.headers,
        columns=columns,
        rows=planner.rows,
        entities=planner.entities,
        categories=planner.category_ids,
        category_names=planner.category_names,
        preview=planner.preview,
    )


def _still_changes(entity: Entity, kind: str, key: str) -> bool:
    """Whether a row's change to a record is still one once the plan is settled."""
    if entity.is_new:
        return False
    if kind == "field":
        return key in entity.values
    if kind == "email":
        return key in {e.lower() for e in entity.emails_add}
    return key in entity.categories_add


class _Refused(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


class _Planner:
    def __init__(self, existing: Existing, keys: set[str], table: Table, columns):
        self.existing = existing
        self.keys = keys
        self.table = table
        self.columns = columns
        self.header_of = {
            key: table.headers[int(i)] for i, key in columns.items() if int(i) < len(table.headers)
        }
        self.rows: list[Row] = []
        self.entities: list[Entity] = []
        self.preview: list[dict] = []
        self.companies: dict[tuple, Entity] = {}
        self.contacts: dict[tuple, Entity] = {}
        self.links: dict[tuple[int, int], Entity] = {}
        self.by_db_id: dict[tuple[str, int], Entity] = {}
        self.numbers: dict[int, Entity] = {}  # customer numbers claimed in this file
        self.category_ids = {c.name.lower(): c.pk for c in Category.objects.all()}
        self.category_names: dict[str, str] = {}
        # Found companies and contacts, whose links, names and categories are read once
        # every row has been seen (see finish()).
        self.pending_people: list[tuple] = []

    def header(self, key: str) -> str:
        return self.header_of.get(key, "")

    # Entities -----------------------------------------------------------------------

    def _entity(self, kind: str, row: dict | None, number: int) -> Entity:
        if row is not None:
            found = self.by_db_id.get((kind, row["id"]))
            if found is not None:
                return found
            return Entity(
                kind,
                id=row["id"],
                current={k: v for k, v in row.items() if k != "id"},
                first_row=number,
            )
        return Entity(kind, first_row=number)

    def _register(self, entity: Entity) -> None:
        """Keep a record the row names, once the row has passed every check."""
        if entity.registered:
            return
        entity.registered = True
        self.entities.append(entity)
        if entity.id is not None:
            self.by_db_id[(entity.kind, entity.id)] = entity

    def _company(self, firm: dict, number: int) -> tuple[Entity, list]:
        ex = self.existing
        name = firm.get("name", "").lower()
        lookups = []
        if "customer_number" in self.keys and firm.get("customer_number"):
            lookups.append((("cn", firm["customer_number"]), ex.company_by_number))
        if "org_number" in self.keys and firm.get("org_number"):
            lookups.append((("org", firm["org_number"]), ex.company_by_org))
        if "email" in self.keys and firm.get("email"):
            lookups.append((("email", firm["email"].lower()), ex.company_by_email))
        if name:
            lookups.append((("name", name), ex.company_by_name))
        entity = None
        for key, _table in lookups:
            entity = self.companies.get(key)
            if entity is not None:
                break
        if entity is None:
            for key, table in lookups:
                row = table.get(key[1])
                if row is not None:
                    entity = self._entity("company", row, number)
                    break
        if entity is None:
            if not firm.get("name"):
                raise _Refused(
                    self.header("org_number") or self.header("company_name"),
                    _("A company needs a name."),
                )
            entity = self._entity("company", None, number)
        return entity, [key for key, _t in lookups]

    def _contact(self, person: dict, company: Entity | None, number: int):
        ex = self.existing
        lookups = []
        if "customer_number" in self.keys and person.get("customer_number"):
            lookups.append((("cn", person["customer_number"]), ex.contact_by_number))
        if "email" in self.keys:
            for email in person.get("emails", []):
                lookups.append((("email", email.lower()), ex.contact_by_email))
        name = (person["first_name"].lower(), person["last_name"].lower())
        if "name" in self.keys:
            lookups.append((("name", name), ex.contact_by_name))
        if company is not None:
            # The same name at the same company is the same person (keeps a rerun of a
            # file without e-mail addresses from doubling everyone).
            lookups.append((("at", id(company), name), None))
        entity = None
        for key, _table in lookups:
            entity = self.contacts.get(key)
            if entity is not None:
                break
        if entity is None:
            for key, table in lookups:
                row = table.get(key[1]) if table is not None else None
                if row is not None:
                    entity = self._entity("contact", row, number)
                    break
        if entity is None:
            entity = self._entity("contact", None, number)
        return entity, [key for key, _t in lookups]

    # Rows ---------------------------------------------------------------------------------

    def plan_row(self, number: int, values: dict, errors: list, cells: list) -> None:
        row = Row(number=number)
        self.rows.append(row)
        if errors:
            row.status, row.errors = "refused", errors
        elif not values:
            row.status = "skipped"
        else:
            try:
                self._plan(row, values)
            except _Refused as refusal:
                row.status = "refused"
                row.errors = [(refusal.column, refusal.message)]
        if cells is not None:
            self.preview.append(
                {
                    "row": number,
                    "status": row,  # the Row until finish() has settled every status
                    "cells": [
                        str(cells[int(i)] if cells[int(i)] is not None else "")[:100]
                        for i in sorted(self.columns, key=int)
                        if int(i) < len(cells)
                    ],
                }
            )

    def _plan(self, row: Row, values: dict) -> None:
        person, firm = _sides(values)
        if not person and not firm:
            raise _Refused("", _("The row names neither a person (last name) nor a company."))
        if person and not person["last_name"]:
            raise _Refused(
                self.header("last_name") or self.header("full_name"),
                _("A contact needs a last name."),
            )
        company = contact = None
        company_keys = contact_keys = []
        claims = []
        if firm:
            company, company_keys = self._company(firm, row.number)
            claims.append(self._check_number(company, firm.get("customer_number")))
            if firm.get("org_number") and company.current.get("org_number") not in (
                None,
                "",
                firm["org_number"],
            ):
                raise _Refused(
                    self.header("org_number"),
                    _("%(company)s already has organisation number %(orgnr)s.")
                    % {
                        "company": company.current.get("name"),
                        "orgnr": company.current["org_number"],
                    },
                )
            holder = self.existing.org_holders.get(firm.get("org_number"))
            if holder is not None and holder[0] != company.id:
                raise _Refused(
                    self.header("org_number"),
                    _(
                        "Organisation number %(orgnr)s belongs to %(company)s; match on"
                        " organisation number to update that company."
                    )
                    % {"orgnr": firm["org_number"], "company": holder[1]},
                )
        link_values = _link_values(values)
        start, end = link_values.get("start_date"), link_values.get("end_date")
        if start and end and end < start:
            raise _Refused(
                self.header("end_date"), _("The end date cannot be before the start date.")
            )
        if person:
            contact, contact_keys = self._contact(person, company, row.number)
            claims.append(self._check_number(contact, person.get("customer_number")))
        # Every check passed: the row's values go onto its records.
        for claim in filter(None, claims):
            self.numbers[claim[0]] = claim[1]
        if (
            contact is not None
            and contact.is_new
            and not contact.registered
            and (company is not None and not company.is_new)
        ):
            # Maybe known at that company by name: settled in finish().
            name = (person["first_name"].lower(), person["last_name"].lower())
            self.pending_people.append((contact, company.id, name))
            contact.maybe = True
        for entity, data, keys, registry in (
            (company, firm, company_keys, self.companies),
            (contact, person, contact_keys, self.contacts),
        ):
            if entity is None:
                continue
            self._register(entity)
            self._apply(entity, data, row)
            for key in keys:
                registry.setdefault(key, entity)
            row.entities.append(entity)
        if company is not None and contact is not None:
            link = self._link(contact, company, link_values, row)
            row.entities.append(link)

    def _check_number(self, entity: Entity, number: int | None):
        """(number, entity) when the entity may keep the number; _Refused otherwise."""
        if not number:
            return None
        column = self.header("customer_number")
        have = entity.value("customer_number")
        if have and have != number:
            raise _Refused(
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
        claimed = self.numbers.get(number)
        if claimed is not None and claimed is not entity:
            raise _Refused(
                column,
                _("Customer number %(number)s is given to someone else earlier in the file.")
                % {"number": number},
            )
        if number in self.existing.retired:
            raise _Refused(
                column,
                _("Customer number %(number)s was retired by a merge and is not used again.")
                % {"number": number},
            )
        holder = self.existing.numbers.get(number)
        if holder is not None and holder != (entity.kind, entity.id):
            raise _Refused(
                column,
                _("Customer number %(number)s belongs to another %(kind)s.")
                % {
                    "number": number,
                    "kind": _("contact") if holder[0] == "contact" else _("company"),
                },
            )
        return number, entity

    def _apply(self, entity: Entity, data: dict, row: Row) -> None:
        """Put the row's values on the record, noting on the row what that changes."""
        track = not entity.is_new or entity.maybe
        changed = []
        for name, value in data.items():
            if name in ("emails", "categories") or value in (None, ""):
                continue
            if entity.value(name) == value:
                continue
            if not entity.is_new and name not in entity.before:
                entity.before[name] = _json(entity.current.get(name))
            entity.values[name] = value
            changed.append((entity, "field", name))
        for email in data.get("emails", []):
            if email.lower() not in entity.emails and email.lower() not in (
                e.lower() for e in entity.emails_add
            ):
                if entity.emails_add is _NONE:
                    entity.emails_add = []
                entity.emails_add.append(email)
                changed.append((entity, "email", email.lower()))
        for category in data.get("categories", []):
            key = category.lower()
            if key not in self.category_ids:
                self.category_names.setdefault(key, category)
            if self.category_ids.get(key) in entity.categories or key in entity.categories_add:
                continue
            if entity.categories_add is _NONE:
                entity.categories_add = set()
            entity.categories_add.add(key)
            changed.append((entity, "category", key))
        if entity.kind == "contact":
            entity.name = f"{entity.value('first_name') or ''} {entity.value('last_name')}".strip()
        else:
            entity.name = entity.value("name") or ""
        if track and changed:
            row.changes = (row.changes or []) + changed

    def _link(self, contact: Entity, company: Entity, data: dict, row: Row):
        number = row.number
        key = (id(contact), id(company))
        link = self.links.get(key)
        if link is None:
            link = Entity("link", first_row=number)
            link.contact, link.company = contact, company
            # Between records that exist an open link may exist too (settled in finish()).
            link.maybe = (not contact.is_new or contact.maybe) and not company.is_new
            self.links[key] = link
            self._register(link)
        changed = []
        for name, value in data.items():
            if link.value(name) != value:
                link.values[name] = value
                changed.append((link, "field", name))
        if link.maybe and changed:
            row.changes = (row.changes or []) + changed
        return link

    def finish(self) -> None:
        """Settle what needs the found records' links and categories, read in bulk."""
        companies = [e for e in self.entities if e.kind == "company" and not e.is_new]
        contacts = [e for e in self.entities if e.kind == "contact" and not e.is_new]
        self.existing.company_details(companies)
        # New contacts who turn out to be known at their (existing) company by name.
        for entity, company_id, name in self.pending_people:
            contact_id = self.existing.people_by_company.get((company_id, name))
            if contact_id is None or ("contact", contact_id) in self.by_db_id:
                continue
            entity.id = contact_id
            self.by_db_id[("contact", contact_id)] = entity
            contacts.append(entity)
        if contacts:
            rows = _rows_by(
                Contact,
                ["id", *CONTACT_FIELDS],
                "id__in",
                [c.id for c in contacts if not c.current],
                lambda r: r["id"],
            )
            for contact in contacts:
                if not contact.current and contact.id in rows:
                    self._became_existing(contact, rows[contact.id])
            self.existing.contact_details(contacts)
        # Links between records that both exist: an open one is updated, not doubled.
        for link in (e for e in self.entities if e.kind == "link"):
            if link.contact.is_new or link.company.is_new:
                continue
            found = self.existing.open_links.get((link.contact.id, link.company.id))
            if found is not None:
                self._became_existing(link, found)
        # Categories and e-mail addresses a found record already has are no change.
        for entity in contacts + companies:
            if entity.categories_add:
                entity.categories_add = {
                    k
                    for k in entity.categories_add
                    if self.category_ids.get(k) not in entity.categories
                }
            if entity.emails_add:
                entity.emails_add = [
                    e for e in entity.emails_add if e.lower() not in entity.emails
                ]
        self._recount()
        for line in self.preview:
            line["status"] = line["status"].status

    def _became_existing(self, entity: Entity, row: dict) -> None:
        """A record planned as new that the database has after all: only changes remain."""
        entity.id = row["id"]
        entity.current = {k: v for k, v in row.items() if k != "id"}
        values, entity.values = entity.values, {}
        for name, value in values.items():
            if entity.current.get(name) != value:
                entity.before[name] = _json(entity.current.get(name))
                entity.values[name] = value

    def _recount(self) -> None:
        for row in self.rows:
            if row.status == "refused" or not row.entities:
                continue
            # The row's person (or its company, when it names no person) says what the row
            # did: «created» counts the people and companies that are new.
            primary = (
                row.entities[1]
                if len(row.entities) > 1 and row.entities[1].kind == "contact"
                else row.entities[0]
            )
            if primary.is_new and primary.first_row == row.number:
                row.status = "created"
            elif any(e.is_new and e.first_row == row.number for e in row.entities) or any(
                _still_changes(entity, kind, key) for entity, kind, key in row.changes or ()
            ):
                row.status = "updated"
            else:
                row.status = "skipped"
