"""What an import will do, row by row, before anything is written (the dry run).

The whole file is planned at once: each row's values (``rows.py``) name a person, a
company and the link between them, found among earlier rows of the file, then in the
database by the match keys the user picked (``existing.py``), or planned as new; the row
passes its checks (``checks.py``) or is refused with its column and reason, and is counted
as created, updated, skipped (nothing new) or refused. The database is read with a few
queries per kind of key, never one per row: 100,000 rows plan in seconds
(``benchmarks/import_bench.py``). The plan's records are in ``plan.py``; ``writing.py``
writes them.
"""

from __future__ import annotations

from contacts.models import Category, Contact

from .checks import (
    Refused,
    check_company_name,
    check_dates,
    check_number,
    check_org_number,
    check_sides,
)
from .existing import CONTACT_FIELDS, Existing, rows_by
from .plan import UNSET, Entity, Plan, Row, as_json, still_changes
from .reading import Table
from .rows import link_values, owners_by_name, read_rows, sides

# The characters of a cell the preview shows.
PREVIEW_CELL_CHARS = 100


def build_plan(
    *, table: Table, columns: dict[str, str], match_keys: list[str], file_name: str
) -> Plan:
    parsed = list(read_rows(table, columns, owners_by_name()))
    table.rows = []  # read: let the raw cells go (the plan is built from ``parsed``)
    existing = Existing(parsed, match_keys)
    planner = Planner(existing, set(match_keys), table, columns)
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


class Planner:
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
            check_company_name(firm, header=self.header)
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
            except Refused as refusal:
                row.status = "refused"
                row.errors = [(refusal.column, refusal.message)]
        if cells is not None:
            self.preview.append(
                {
                    "row": number,
                    "status": row,  # the Row until finish() has settled every status
                    "cells": [
                        str(cells[int(i)] if cells[int(i)] is not None else "")[
                            :PREVIEW_CELL_CHARS
                        ]
                        for i in sorted(self.columns, key=int)
                        if int(i) < len(cells)
                    ],
                }
            )

    def _plan(self, row: Row, values: dict) -> None:
        person, firm = sides(values)
        check_sides(person, firm, header=self.header)
        company = contact = None
        company_keys = contact_keys = []
        claims = []
        if firm:
            company, company_keys = self._company(firm, row.number)
            claims.append(self._check_number(company, firm.get("customer_number")))
            check_org_number(company, firm, existing=self.existing, header=self.header)
        link = link_values(values)
        check_dates(link, header=self.header)
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
            row.entities.append(self._link(contact, company, link, row))

    def _check_number(self, entity: Entity, number: int | None):
        return check_number(
            entity,
            number,
            given=self.numbers,
            existing=self.existing,
            column=self.header("customer_number"),
        )

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
                entity.before[name] = as_json(entity.current.get(name))
            entity.values[name] = value
            changed.append((entity, "field", name))
        for email in data.get("emails", []):
            if email.lower() not in entity.emails and email.lower() not in (
                e.lower() for e in entity.emails_add
            ):
                if entity.emails_add is UNSET:
                    entity.emails_add = []
                entity.emails_add.append(email)
                changed.append((entity, "email", email.lower()))
        for category in data.get("categories", []):
            key = category.lower()
            if key not in self.category_ids:
                self.category_names.setdefault(key, category)
            if self.category_ids.get(key) in entity.categories or key in entity.categories_add:
                continue
            if entity.categories_add is UNSET:
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
            rows = rows_by(
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
                entity.before[name] = as_json(entity.current.get(name))
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
                still_changes(entity, kind, key) for entity, kind, key in row.changes or ()
            ):
                row.status = "updated"
            else:
                row.status = "skipped"
