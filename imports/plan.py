"""The plan of an import (``planning.py`` makes it, ``writing.py`` writes it): the records it
creates or updates (``Entity``), each row's outcome (``Row``), and the whole (``Plan``) with
its counts, errors and preview.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# An entity's list or set of e-mail addresses or categories not yet made (see Entity).
UNSET = ()


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
        self.emails: list[str] = UNSET  # an existing contact's addresses (lower-case)
        self.emails_add: list[str] = UNSET
        self.categories: set[int] = UNSET  # existing category ids
        self.categories_add: set[str] = UNSET  # category names (lower-case) to add
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


def as_json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def still_changes(entity: Entity, kind: str, key: str) -> bool:
    """Whether a row's change to a record is still one once the plan is settled."""
    if entity.is_new:
        return False
    if kind == "field":
        return key in entity.values
    if kind == "email":
        return key in {e.lower() for e in entity.emails_add}
    return key in entity.categories_add
