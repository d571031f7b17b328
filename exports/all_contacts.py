"""Every contact, set-based: the export of all contacts in ``rows.py``'s and
``text_columns.py``'s columns, without a subquery per contact.

The export of all contacts reads every row of the side tables anyway, so rather than a
correlated subquery per contact (an index descent each: ~20 µs a row), each side table is
aggregated per contact in one walk of its ``contact_id`` index and merge-joined with the
contacts in id order: ~6 µs a row, and the rows still stream as they are joined (no sort,
no hash of a million). The same columns and privacy as
``text_columns.contact_text_values``; the tests run both.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from activities.models import Note
from mailbox.models import Message

from .rows import CHUNK_SIZE, NOTES_PER_ROW
from .text_columns import FORMULA_START


def inert_sql(expression: str) -> str:
    pattern = FORMULA_START.replace("'", "''")
    return f"regexp_replace(COALESCE(({expression})::text, ''), '{pattern}', '''\\1')"


def fragment(queryset: QuerySet, empty: str) -> tuple[str, list]:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return empty, []
    return sql, list(params)


def all_contacts_text_sql(*, user) -> tuple[str, list]:
    """:func:`contact_header`'s columns for every contact, by id, as (SQL, params)."""
    notes_sql, notes_params = fragment(
        Note.objects.visible_to(user)
        .filter(contact__isnull=False)
        .order_by()
        .values("contact_id", "text", "created_at", "id"),
        "SELECT NULL::bigint, NULL::text, NULL::timestamptz, NULL::bigint WHERE false",
    )
    mail_sql, mail_params = fragment(
        Message.objects.visible_to(user).order_by().values("pk"),
        "SELECT NULL::bigint WHERE false",
    )
    phone = "NULLIF(c.{}::text, '')"
    owner = "COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username)"
    columns = [
        "c.customer_number::text",
        inert_sql("c.last_name"),
        inert_sql("c.first_name"),
        inert_sql(phone.format("mobile")),
        inert_sql(phone.format("work_phone")),
        inert_sql(phone.format("private_phone")),
        inert_sql("array_to_string(e.emails, ', ')"),
        inert_sql("c.street_address"),
        inert_sql("c.postcode"),
        inert_sql("c.city"),
        inert_sql("c.country"),
        inert_sql("c.website"),
        inert_sql("array_to_string(l.companies, '; ')"),
        inert_sql("array_to_string(k.categories, ', ')"),
        inert_sql(owner),
        inert_sql("c.notes"),
        inert_sql(f"array_to_string(n.texts[1:{NOTES_PER_ROW}], ' | ')"),
        inert_sql("m.text"),
    ]
    sql = f"""
        SELECT {", ".join(columns)}
        FROM contacts_contact c
        LEFT JOIN auth_user u ON u.id = c.owner_id
        LEFT JOIN (
            SELECT contact_id, array_agg(email ORDER BY position, id) AS emails
            FROM contacts_contactemail GROUP BY contact_id
        ) e ON e.contact_id = c.id
        LEFT JOIN (
            SELECT l.contact_id, array_agg(
                co.name || CASE WHEN l.position = '' THEN '' ELSE ' (' || l.position || ')' END
                ORDER BY co.sort_key, l.id) AS companies
            FROM companies_companylink l JOIN companies_company co ON co.id = l.company_id
            WHERE l.end_date IS NULL OR l.end_date >= %s
            GROUP BY l.contact_id
        ) l ON l.contact_id = c.id
        LEFT JOIN (
            SELECT cc.contact_id, array_agg(cat.name ORDER BY cat.name) AS categories
            FROM contacts_contact_categories cc
            JOIN contacts_category cat ON cat.id = cc.category_id
            GROUP BY cc.contact_id
        ) k ON k.contact_id = c.id
        LEFT JOIN (
            SELECT v.contact_id, array_agg(v.text ORDER BY v.created_at DESC, v.id DESC) AS texts
            FROM ({notes_sql}) v(contact_id, text, created_at, id)
            GROUP BY v.contact_id
        ) n ON n.contact_id = c.id
        LEFT JOIN (
            SELECT DISTINCT ON (mc.contact_id) mc.contact_id,
                (msg.sent_at AT TIME ZONE %s)::date::text || ' ' || msg.subject AS text
            FROM mailbox_messagecontact mc
            JOIN mailbox_message msg ON msg.id = mc.message_id
            WHERE mc.message_id IN ({mail_sql})
            ORDER BY mc.contact_id, mc.sent_at DESC NULLS LAST, mc.message_id DESC
        ) m ON m.contact_id = c.id
        ORDER BY c.id
    """
    params = [timezone.localdate(), *notes_params, settings.TIME_ZONE, *mail_params]
    return sql, params


def all_contacts_vcard_rows():
    """Every contact by id, in :func:`contact_rows`' shape (the columns a vCard needs),
    read set-based like :func:`all_contacts_text_sql` through a server-side cursor."""
    sql = """
        SELECT c.id, c.customer_number, c.last_name, c.first_name,
            NULLIF(c.mobile::text, ''), NULLIF(c.work_phone::text, ''),
            NULLIF(c.private_phone::text, ''), COALESCE(e.emails, '{}'),
            c.street_address, c.postcode, c.city, c.country, c.website,
            COALESCE(l.names, '{}'), COALESCE(l.positions, '{}')
        FROM contacts_contact c
        LEFT JOIN (
            SELECT contact_id, array_agg(email ORDER BY position, id) AS emails
            FROM contacts_contactemail GROUP BY contact_id
        ) e ON e.contact_id = c.id
        LEFT JOIN (
            SELECT l.contact_id, array_agg(co.name ORDER BY co.sort_key, l.id) AS names,
                array_agg(l.position ORDER BY co.sort_key, l.id) AS positions
            FROM companies_companylink l JOIN companies_company co ON co.id = l.company_id
            WHERE l.end_date IS NULL OR l.end_date >= %s
            GROUP BY l.contact_id
        ) l ON l.contact_id = c.id
        ORDER BY c.id
    """
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name="exports_all_vcards") as cursor:
            cursor.itersize = CHUNK_SIZE
            cursor.execute(sql, [timezone.localdate()])
            for row in cursor:
                (pk, number, last, first, mobile, work, private, emails, street, postcode,
                 city, country, website, names, titles) = row  # fmt: skip
                columns = (number, last, first, mobile, work, private, ", ".join(emails),
                           street, postcode, city, country, website)  # fmt: skip
                yield columns, (pk, emails, list(zip(names, titles, strict=True)))
