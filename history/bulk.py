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


_ENTRY_COLUMNS = (
    "contact_id, company_id, occurred_at, actor_id, actor_label, verb, data, target_type_id,"
    " target_id, private_to_id, mail, private"
)


def _entries(select: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {triggers.ENTRY} ({_ENTRY_COLUMNS}) {select}", params)


# The timeline lines of each kind of insert, read from ``s``: the snapshots just written
# (their columns are the tracked row's). ``%s, %s`` are the actor and its label.
_LINES = {
    "contact": """
        SELECT s.id, NULL, now(), %s, %s, v.verb, v.data, NULL, '', NULL, false, false
        FROM s CROSS JOIN LATERAL (VALUES
            ('contacts.created', '{}'::jsonb),
            ('contacts.customer_number_given',
             jsonb_build_object('customer_number', s.customer_number))) v(verb, data)
        WHERE v.verb = 'contacts.created' OR s.customer_number IS NOT NULL""",
    "company": """
        SELECT NULL, s.id, now(), %s, %s, v.verb, v.data, NULL, '', NULL, false, false
        FROM s CROSS JOIN LATERAL (VALUES
            ('companies.created', '{}'::jsonb),
            ('companies.customer_number_given',
             jsonb_build_object('customer_number', s.customer_number))) v(verb, data)
        WHERE v.verb = 'companies.created' OR s.customer_number IS NOT NULL""",
    "email": """
        SELECT s.contact_id, NULL, now(), %s, %s, 'contacts.email_added',
            jsonb_build_object('email', s.email), NULL, '', NULL, false, false
        FROM s""",
    "contact_category": """
        SELECT s.contact_id, NULL, now(), %s, %s, 'contacts.category_added',
            jsonb_build_object('category', c.name), NULL, '', NULL, false, false
        FROM s JOIN contacts_category c ON c.id = s.category_id""",
    "company_category": """
        SELECT NULL, s.company_id, now(), %s, %s, 'companies.category_added',
            jsonb_build_object('category', c.name), NULL, '', NULL, false, false
        FROM s JOIN contacts_category c ON c.id = s.category_id""",
    # One line on the person's card naming the company, one on the company naming the
    # person (its target, so erasing the person erases it).
    "link": f"""
        SELECT v.contact_id, v.company_id, now(), %s, %s, v.verb, v.data, v.target_type_id,
            v.target_id, NULL, false, false
        FROM s JOIN contacts_contact p ON p.id = s.contact_id
            JOIN companies_company c ON c.id = s.company_id
        CROSS JOIN LATERAL (VALUES
            (s.contact_id, NULL::bigint, 'companies.linked',
             jsonb_build_object('company', c.name), NULL::integer, ''),
            (NULL::bigint, s.company_id, 'companies.person_linked',
             jsonb_build_object('person', concat_ws(' ', nullif(p.first_name, ''), p.last_name)),
             {triggers.CONTACT_TYPE}, s.contact_id::text)
        ) v(contact_id, company_id, verb, data, target_type_id, target_id)""",
}


def record_inserted(kind: str, ids: list[int], *, actor_id=None, actor_label: str = "") -> None:
    """Snapshots and timeline entries for rows of ``kind`` just inserted with ids ``ids``,
    in one statement.

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
            f"WITH s AS (INSERT INTO {event._meta.db_table} (pgh_created_at, pgh_label,"
            f" pgh_obj_id, pgh_context_id, {cols}) SELECT now(), %s, t.id, %s, {source}"
            f" FROM {tracked._meta.db_table} t WHERE t.id = ANY(%s) ORDER BY t.id RETURNING *)"
            f" INSERT INTO {triggers.ENTRY} ({_ENTRY_COLUMNS}) {_LINES[kind]}",
            [LABELS[kind], context, ids, actor_id, label],
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
