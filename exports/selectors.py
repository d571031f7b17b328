"""The rows an export writes: which contacts or companies (the search panel's hits, a
selection, all), and what each row holds, read in one streamed query.

Each row is one query row: the contact's own columns and its e-mail addresses, current
companies, categories, the newest notes and the newest e-mail the exporting user may read
(``Note.objects.visible_to``, ``Message.objects.visible_to``: another user's private note
and a locked contact's e-mail never appear). Three shapes of the same columns:

- :func:`contact_values`: raw values (lists as arrays) for vCards, each list a correlated
  subquery (an index probe per row), read through a server-side cursor;
- :func:`contact_text_values`: the spreadsheet's text columns, made in the database, for
  CSV (PostgreSQL's COPY, :func:`csv_copy`) and XLSX;
- :func:`all_contacts_text_sql` and :func:`all_contacts_vcard_rows`: the same for every
  contact, set-based (merge joins in id order instead of a probe per row).

On a million contacts (``make bench-export``, median of three, on the shared 2-core
machine under a load of 7–10): CSV ~53,000 rows/s, vCard ~23,500 rows/s (Python writes
each card), in flat memory (~100–115 MB for the process, whatever the rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Note
from companies.models import Company, CompanyLink
from contacts.models import Category, Contact, ContactEmail
from crm.params import as_id
from mailbox.models import Message, MessageContact
from search.selectors import search_all

# Rows the server-side cursor fetches at a time.
CHUNK_SIZE = 5000
# The newest notes a row shows (a card can hold thousands).
NOTES_PER_ROW = 5
# Ids a selection may name (ten pages of hits, checked by hand, is far less).
MAX_SELECTION = 10_000
KINDS = ("contact", "company")


@dataclass
class Export:
    kind: str  # "contact" or "company"
    queryset: QuerySet


def export_queryset(*, scope: str, params, user) -> Export | None:
    """Which rows: ``scope`` "search" (the panel's parameters in ``params``, as the hit
    list reads them), "selection" (``id`` values) or "all" (``kind``). None when the
    request names nothing to export."""
    kind = params.get("kind") if params.get("kind") in KINDS else "contact"
    model = Company if kind == "company" else Contact
    if scope == "search":
        found = search_all(params=params, user=user)
        if found is None:
            return None
        kind, queryset = found
        return Export(kind=kind, queryset=queryset.order_by("sort_key", "id"))
    if scope == "selection":
        ids = _ids(params.getlist("id"))
        if not ids:
            return None
        return Export(
            kind=kind, queryset=model.objects.filter(pk__in=ids).order_by("sort_key", "id")
        )
    if scope == "all":
        # In the order they were registered: the rows of the e-mail, link and category
        # tables then lie in the order they are read, and a million rows stream three
        # times as fast as in name order (a random read per row). A search or a selection
        # comes in name order, as on the screen.
        return Export(kind=kind, queryset=model.objects.order_by("id"))
    return None


def _ids(values) -> list[int]:
    return [pk for pk in map(as_id, values[:MAX_SELECTION]) if pk is not None]


def _text(field: str):
    """A phone column as its stored text (E.164), NULL when empty: no PhoneNumber
    object per value."""
    return NullIf(Cast(field, TextField()), Value("", output_field=TextField()))


def _user_name(prefix: str):
    full = Concat(
        F(f"{prefix}__first_name"),
        Value(" "),
        F(f"{prefix}__last_name"),
        output_field=TextField(),
    )
    return Coalesce(
        NullIf(Trim(full), Value("")), F(f"{prefix}__username"), output_field=TextField()
    )


def _notes(user, **owner):
    notes = (
        Note.objects.visible_to(user)
        .filter(**{name: OuterRef("pk") for name in owner})
        .order_by("-created_at", "-id")
        .values("text")
    )
    return ArraySubquery(notes[:NOTES_PER_ROW])


def _streamed(rows: QuerySet):
    """The rows through a server-side cursor, inside a transaction: outside one (in
    autocommit) Django declares the cursor WITH HOLD, and PostgreSQL then computes the
    whole result before the first row comes (54 s before the first of a million)."""
    with transaction.atomic():
        yield from rows.iterator(chunk_size=CHUNK_SIZE)


def contact_header() -> list[str]:
    return [
        _("Customer number"),
        _("Last name"),
        _("First name"),
        _("Mobile"),
        _("Work phone"),
        _("Private phone"),
        _("E-mail"),
        _("Street address"),
        _("Postcode"),
        _("City"),
        _("Country"),
        _("Website"),
        _("Companies"),
        _("Categories"),
        _("Owner"),
        _("Remarks"),
        _("Notes"),
        _("Latest e-mail"),
    ]


def contact_rows(queryset: QuerySet, *, user):
    """The contacts of ``queryset`` in its order, each as a tuple of
    :func:`contact_header`'s columns plus the id and the raw e-mails and companies (for
    vCards): (columns, extra) pairs, streamed."""
    rows = contact_values(queryset, user=user)
    for row in _streamed(rows):
        (pk, number, last, first, mobile, work, private, emails_, street, postcode, city,
         country, website, names, titles, cats, owner, remarks, notes, mail) = row  # fmt: skip
        companies = list(zip(names, titles, strict=True))
        yield (
            (
                number,
                last,
                first,
                mobile,
                work,
                private,
                ", ".join(emails_),
                street,
                postcode,
                city,
                country,
                website,
                "; ".join(f"{name} ({title})" if title else name for name, title in companies),
                ", ".join(cats),
                owner,
                remarks,
                " | ".join(notes),
                mail,
            ),
            (pk, emails_, companies),
        )


def _contact_annotated(queryset: QuerySet, *, user) -> QuerySet:
    """The contacts with their lists and the newest e-mail the user may read (only
    what a query selects is computed)."""
    links = CompanyLink.objects.current().filter(contact=OuterRef("pk"))
    links = links.order_by("company__sort_key", "id")
    emails = (
        ContactEmail.objects.filter(contact=OuterRef("pk"))
        .order_by("position", "id")
        .values("email")
    )
    categories = Category.objects.filter(contacts=OuterRef("pk")).order_by("name").values("name")
    newest_mail = (
        MessageContact.objects.filter(
            contact=OuterRef("pk"), message__in=Message.objects.visible_to(user)
        )
        .order_by("-sent_at", "-message_id")
        .values(
            text=Concat(
                Cast(TruncDate("message__sent_at"), TextField()),
                Value(" "),
                "message__subject",
                output_field=TextField(),
            )
        )[:1]
    )
    return queryset.annotate(
        mobile_text=_text("mobile"),
        work_text=_text("work_phone"),
        private_text=_text("private_phone"),
        email_list=ArraySubquery(emails),
        company_names=ArraySubquery(links.values("company__name")),
        position_list=ArraySubquery(links.values("position")),
        category_list=ArraySubquery(categories),
        owner_name=_user_name("owner"),
        note_list=_notes(user, contact=True),
        newest_mail=Subquery(newest_mail),
    )


def contact_values(queryset: QuerySet, *, user) -> QuerySet:
    """The query behind :func:`contact_rows`: one row per contact, not yet run."""
    return _contact_annotated(queryset, user=user).values_list(
        "id",
        "customer_number",
        "last_name",
        "first_name",
        "mobile_text",
        "work_text",
        "private_text",
        "email_list",
        "street_address",
        "postcode",
        "city",
        "country",
        "website",
        "company_names",
        "position_list",
        "category_list",
        "owner_name",
        "notes",
        "note_list",
        "newest_mail",
    )


def company_header() -> list[str]:
    return [
        _("Customer number"),
        _("Name"),
        _("Organisation number"),
        _("Phone"),
        _("E-mail"),
        _("Street address"),
        _("Postcode"),
        _("City"),
        _("Country"),
        _("Website"),
        _("Categories"),
        _("Owner"),
        _("Notes"),
    ]


def company_rows(queryset: QuerySet, *, user):
    categories = Category.objects.filter(companies=OuterRef("pk")).order_by("name").values("name")
    rows = queryset.annotate(
        phone_text=_text("phone"),
        category_list=ArraySubquery(categories),
        owner_name=_user_name("owner"),
        note_list=_notes(user, company=True),
    ).values_list(
        "id",
        "customer_number",
        "name",
        "org_number",
        "phone_text",
        "email",
        "street_address",
        "postcode",
        "city",
        "country",
        "website",
        "category_list",
        "owner_name",
        "note_list",
    )
    for row in _streamed(rows):
        pk, *columns, cats, owner, notes = row
        yield (*columns, ", ".join(cats), owner, " | ".join(notes)), (pk,)


# --- the spreadsheet columns, made in the database -------------------------------------
#
# For CSV and XLSX the database writes each column's final text: lists joined, and cells
# that a spreadsheet would read as a formula made inert (``formats.inert``'s rule, as a
# regular expression). The CSV is then PostgreSQL's own ``COPY … TO STDOUT (FORMAT csv)``,
# streamed as it comes: no Python per row or per cell.

# A first character that makes a formula: = + - @ tab CR.
COPY_BLOCK = 64 * 1024
_FORMULA_START = "^([-=+@\t\r])"


def _inert(expression):
    if isinstance(expression, str):
        expression = F(expression)
    return Func(
        Coalesce(expression, Value(""), output_field=TextField()),
        Value(_FORMULA_START),
        Value("'\\1"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _joined(array, separator: str):
    return Func(array, Value(separator), function="array_to_string", output_field=TextField())


def contact_text_values(queryset: QuerySet, *, user) -> QuerySet:
    """:func:`contact_header`'s columns as text, one row per contact, not yet run."""
    raw = _contact_annotated(queryset, user=user)
    links = CompanyLink.objects.current().filter(contact=OuterRef("pk"))
    company = Concat(
        "company__name",
        Case(
            When(position="", then=Value("")), default=Concat(Value(" ("), "position", Value(")"))
        ),
        output_field=TextField(),
    )
    companies = ArraySubquery(links.order_by("company__sort_key", "id").values(text=company))
    columns = {
        "c_number": Cast("customer_number", TextField()),
        "c_last": _inert("last_name"),
        "c_first": _inert("first_name"),
        "c_mobile": _inert("mobile_text"),
        "c_work": _inert("work_text"),
        "c_private": _inert("private_text"),
        "c_emails": _inert(_joined(F("email_list"), ", ")),
        "c_street": _inert("street_address"),
        "c_postcode": _inert("postcode"),
        "c_city": _inert("city"),
        "c_country": _inert("country"),
        "c_website": _inert("website"),
        "c_companies": _inert(_joined(companies, "; ")),
        "c_categories": _inert(_joined(F("category_list"), ", ")),
        "c_owner": _inert("owner_name"),
        "c_remarks": _inert("notes"),
        "c_notes": _inert(_joined(F("note_list"), " | ")),
        "c_mail": _inert("newest_mail"),
    }
    return raw.annotate(**columns).values_list(*columns)


def company_text_values(queryset: QuerySet, *, user) -> QuerySet:
    """:func:`company_header`'s columns as text, one row per company, not yet run."""
    categories = Category.objects.filter(companies=OuterRef("pk")).order_by("name").values("name")
    columns = {
        "c_number": Cast("customer_number", TextField()),
        "c_name": _inert("name"),
        "c_orgnr": _inert("org_number"),
        "c_phone": _inert(_text("phone")),
        "c_email": _inert("email"),
        "c_street": _inert("street_address"),
        "c_postcode": _inert("postcode"),
        "c_city": _inert("city"),
        "c_country": _inert("country"),
        "c_website": _inert("website"),
        "c_categories": _inert(_joined(ArraySubquery(categories), ", ")),
        "c_owner": _inert(_user_name("owner")),
        "c_notes": _inert(_joined(_notes(user, company=True), " | ")),
    }
    return queryset.annotate(**columns).values_list(*columns)


def text_rows(values: QuerySet):
    """The rows of a ``*_text_values`` query, streamed (for XLSX)."""
    return _streamed(values)


def csv_copy(values: QuerySet | tuple[str, list], counter: list[int]):
    """The rows of a ``*_text_values`` query (or of :func:`all_contacts_text_sql`) as
    CSV bytes (``;``, quoted where needed), written by PostgreSQL's COPY and yielded
    block by block as they arrive; the number of rows goes into ``counter[0]`` at the
    end."""
    if isinstance(values, tuple):
        sql, params = values
    else:
        try:
            sql, params = values.query.sql_with_params()
        except EmptyResultSet:
            return
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv, DELIMITER ';')"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own: Django's wrapper has no copy()
        with raw.copy(statement, params) as copy:
            # libpq hands COPY data over a row at a time: gathered into blocks of about
            # 64 kB, the response is a few thousand writes instead of a million.
            buffer = bytearray()
            for row in copy:
                buffer += row
                if len(buffer) >= COPY_BLOCK:
                    yield bytes(buffer)
                    buffer.clear()
            if buffer:
                yield bytes(buffer)
        counter[0] = max(raw.rowcount, 0)


# --- every contact, set-based ------------------------------------------------------------
#
# The export of all contacts reads every row of the side tables anyway, so rather than
# a correlated subquery per contact (an index descent each: ~20 µs a row), each side
# table is aggregated per contact in one walk of its ``contact_id`` index and merge-joined
# with the contacts in id order: ~6 µs a row, and the rows still stream as they are
# joined (no sort, no hash of a million). The same columns and privacy as
# :func:`contact_text_values`; the tests run both.


def _inert_sql(expression: str) -> str:
    pattern = _FORMULA_START.replace("'", "''")
    return f"regexp_replace(COALESCE(({expression})::text, ''), '{pattern}', '''\\1')"


def _fragment(queryset: QuerySet, empty: str) -> tuple[str, list]:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return empty, []
    return sql, list(params)


def all_contacts_text_sql(*, user) -> tuple[str, list]:
    """:func:`contact_header`'s columns for every contact, by id, as (SQL, params)."""
    notes_sql, notes_params = _fragment(
        Note.objects.visible_to(user)
        .filter(contact__isnull=False)
        .order_by()
        .values("contact_id", "text", "created_at", "id"),
        "SELECT NULL::bigint, NULL::text, NULL::timestamptz, NULL::bigint WHERE false",
    )
    mail_sql, mail_params = _fragment(
        Message.objects.visible_to(user).order_by().values("pk"),
        "SELECT NULL::bigint WHERE false",
    )
    phone = "NULLIF(c.{}::text, '')"
    owner = "COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username)"
    columns = [
        "c.customer_number::text",
        _inert_sql("c.last_name"),
        _inert_sql("c.first_name"),
        _inert_sql(phone.format("mobile")),
        _inert_sql(phone.format("work_phone")),
        _inert_sql(phone.format("private_phone")),
        _inert_sql("array_to_string(e.emails, ', ')"),
        _inert_sql("c.street_address"),
        _inert_sql("c.postcode"),
        _inert_sql("c.city"),
        _inert_sql("c.country"),
        _inert_sql("c.website"),
        _inert_sql("array_to_string(l.companies, '; ')"),
        _inert_sql("array_to_string(k.categories, ', ')"),
        _inert_sql(owner),
        _inert_sql("c.notes"),
        _inert_sql(f"array_to_string(n.texts[1:{NOTES_PER_ROW}], ' | ')"),
        _inert_sql("m.text"),
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
