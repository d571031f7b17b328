"""Rows inserted with PostgreSQL's COPY: the import's contacts, companies, links, e-mail
addresses and undo records.

Django's ``bulk_create`` spends most of its time in Python building the INSERT (measured
on 10,000 contacts: 4.2 s against 0.8 s for the same rows sent by COPY). The ids are
taken from the table's sequence first, so the caller knows them as ``bulk_create``
would have told it. Values go in as the import prepared them (phones already E.164,
dates as dates); the fields it leaves out get their model default, timestamps «now».
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

_MISSING = object()


def _columns(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]


def copy_insert(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` ({field name or attname: value}) and return their new ids."""
    if not rows:
        return []
    table = model._meta.db_table
    fields = _columns(model)
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    with connection.cursor() as cursor:
        # Through Django's cursor, so pgtrigger.ignore's setting is in place for the COPY.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(f'"{f.column}"' for f in fields)
        with cursor.cursor.copy(f'COPY {table} ("id", {names}) FROM STDIN') as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk]
                for f in fields:
                    value = row.get(f.attname, _MISSING)
                    if value is _MISSING:
                        value = row.get(f.name, _MISSING)
                    if value is _MISSING or value is None and not f.null:
                        value = defaults[f.attname]
                    if f.attname in json_fields:
                        value = Jsonb(value)
                    values.append(value)
                copy.write_row(values)
    return ids
