"""Capture for rows inserted in bulk (an import of 100,000 contacts), set-based.

The capture triggers (``models.py``, ``triggers.py``) run per row: pghistory's insert
trigger writes a snapshot and attaches the context, then the timeline trigger on the
snapshot writes the entry. For a few rows that is nothing; for an import it is most of
the time (measured: 0.4 ms a contact, 2 ms a company link, so minutes for 100,000 rows).
Inside :func:`bulk_inserts` the insert triggers of the tracked tables stand aside, and
:func:`record_inserted` then writes the same snapshots and the same timeline entries
(same verbs and data as ``triggers.py``) with one statement each. Updates and deletes
are still captured row by row: an import updates few rows, and undo deletes.

Keep in step with ``triggers.py``: ``tests/history/test_bulk.py`` compares the timeline
of rows inserted either way.
"""

from __future__ import annotations

import contextlib
import json

import pgtrigger
from django.db import connection

from . import triggers

# The per-row capture of inserts, on the tracked tables and on the snapshot tables.
INSERT_TRIGGERS = [
    "contacts.Contact:created_insert",
    "contacts.ContactEmail:added_insert",
    "contacts.Contact_categories:added_insert",
    "companies.CompanyLink:linked_insert",
    "companies.Company:created_insert",
    "companies.Company_categories:added_insert",
    "history.ContactEvent:history_contact_timeline",
    "history.ContactEmailEvent:history_contactemail_timeline",
    "history.ContactCategoryEvent:history_contactcategory_timeline",
    "history.CompanyLinkEvent:history_companylink_timeline",
    "history.CompanyEvent:history_company_timeline",
    "history.CompanyCategoryEvent:history_companycategory_timeline",
]


@contextlib.contextmanager
def bulk_inserts():
    """Inserts into the tracked tables are not captured row by row in here: call
    :func:`record_inserted` for them before leaving (in the same transaction)."""
    with pgtrigger.ignore(*INSERT_TRIGGERS):
        yield


def _event_model(kind: str):
    from . import models

    return {
        "contact": models.ContactEvent,
        "email": models.ContactEmailEvent,
        "contact_category": models.ContactCategoryEvent,
        "link": models.CompanyLinkEvent,
        "company": models.CompanyEvent,
        "company_category": models.CompanyCategoryEvent,
    }[kind]


LABELS = {
    "contact": "created",
    "email": "added",
    "contact_category": "added",
    "link": "linked",
    "company": "created",
    "company_category": "added",
}


def _context(actor_id, actor_label: str) -> str:
    metadata = {"user": actor_id} if actor_id else {"command": actor_label}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pghistory_context (id, created_at, updated_at, metadata)"
            " VALUES (gen_random_uuid(), now(), now(), %s::jsonb) RETURNING id",
            [json.dumps(metadata)],
        )
        return cursor.fetchone()[0]


def _entries(select: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {triggers.ENTRY} (contact_id, company_id, occurred_at, actor_id,"
            " actor_label, verb, data, target_type_id, target_id, private_to_id, mail, private)"
            f" {select}",
            params,
        )


def record_inserted(kind: str, ids: list[int], *, actor_id=None, actor_label: str = "") -> None:
    """Snapshots and timeline entries for rows of ``kind`` just inserted with ids ``ids``.

    ``kind``: contact, company, email (ContactEmail), link (CompanyLink),
    contact_category or company_category (rows of the categories' through tables).
    """
    if not ids:
        return
    event = _event_model(kind)
    tracked = event.pgh_tracked_model
    columns = [f.column for f in event._meta.concrete_fields if not f.name.startswith("pgh_")]
    context = _context(actor_id, actor_label)
    label = actor_label[:100] if not actor_id else ""
    cols = ", ".join(f'"{c}"' for c in columns)
    source = ", ".join(f't."{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {event._meta.db_table} (pgh_created_at, pgh_label, pgh_obj_id,"
            f" pgh_context_id, {cols}) SELECT now(), %s, t.id, %s, {source}"
            f" FROM {tracked._meta.db_table} t WHERE t.id = ANY(%s)",
            [LABELS[kind], context, ids],
        )
    common = "now(), %s, %s"  # occurred_at, actor_id, actor_label
    head = [actor_id, label]
    none = "NULL, '', NULL, false, false"  # target type and id, private to, mail, private
    if kind == "contact":
        _entries(
            f"SELECT t.id, NULL, {common}, 'contacts.created', '{{}}'::jsonb, {none}"
            " FROM contacts_contact t WHERE t.id = ANY(%s)",
            [*head, ids],
        )
        _entries(
            f"SELECT t.id, NULL, {common}, 'contacts.customer_number_given',"
            f" jsonb_build_object('customer_number', t.customer_number), {none}"
            " FROM contacts_contact t WHERE t.id = ANY(%s) AND t.customer_number IS NOT NULL",
            [*head, ids],
        )
    elif kind == "company":
        _entries(
            f"SELECT NULL, t.id, {common}, 'companies.created', '{{}}'::jsonb, {none}"
            " FROM companies_company t WHERE t.id = ANY(%s)",
            [*head, ids],
        )
        _entries(
            f"SELECT NULL, t.id, {common}, 'companies.customer_number_given',"
            f" jsonb_build_object('customer_number', t.customer_number), {none}"
            " FROM companies_company t WHERE t.id = ANY(%s) AND t.customer_number IS NOT NULL",
            [*head, ids],
        )
    elif kind == "email":
        _entries(
            f"SELECT t.contact_id, NULL, {common}, 'contacts.email_added',"
            f" jsonb_build_object('email', t.email), {none}"
            " FROM contacts_contactemail t WHERE t.id = ANY(%s)",
            [*head, ids],
        )
    elif kind in ("contact_category", "company_category"):
        app, owner = (
            ("contacts", "contact") if kind == "contact_category" else ("companies", "company")
        )
        ends = "t.contact_id, NULL" if owner == "contact" else "NULL, t.company_id"
        _entries(
            f"SELECT {ends}, {common}, '{app}.category_added',"
            f" jsonb_build_object('category', c.name), {none}"
            f" FROM {tracked._meta.db_table} t JOIN contacts_category c ON c.id = t.category_id"
            " WHERE t.id = ANY(%s)",
            [*head, ids],
        )
    elif kind == "link":
        person = "concat_ws(' ', nullif(p.first_name, ''), p.last_name)"
        joins = (
            " FROM companies_companylink t JOIN contacts_contact p ON p.id = t.contact_id"
            " JOIN companies_company c ON c.id = t.company_id WHERE t.id = ANY(%s)"
        )
        _entries(
            f"SELECT t.contact_id, NULL, {common}, 'companies.linked',"
            f" jsonb_build_object('company', c.name), {none}{joins}",
            [*head, ids],
        )
        _entries(
            f"SELECT NULL, t.company_id, {common}, 'companies.person_linked',"
            f" jsonb_build_object('person', {person}), {triggers.CONTACT_TYPE},"
            f" t.contact_id::text, NULL, false, false{joins}",
            [*head, ids],
        )


def record_on_contacts(
    contact_ids: list[int], *, verb: str, data: dict, actor_id=None, actor_label: str = ""
) -> None:
    """One entry with the same verb and data on each contact's timeline, in one statement
    (what :func:`history.services.history_record_many` does row by row)."""
    if not contact_ids:
        return
    _entries(
        "SELECT c, NULL, now(), %s, %s, %s, %s::jsonb, NULL, '', NULL, false, false"
        " FROM unnest(%s::bigint[]) AS c",
        [actor_id, actor_label[:100], verb, json.dumps(data), list(contact_ids)],
    )
