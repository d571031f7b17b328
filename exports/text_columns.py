"""The spreadsheet's columns, made in the database.

For CSV and XLSX the database writes each column's final text: lists joined, and cells
that a spreadsheet would read as a formula made inert (``formats.inert``'s rule, as a
regular expression). The CSV is then PostgreSQL's own ``COPY … TO STDOUT (FORMAT csv)``,
streamed as it comes: no Python per row or per cell.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, Func, OuterRef, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

from companies.models import CompanyLink
from contacts.models import Category

from .rows import contact_annotated, newest_notes, phone_text, streamed, user_name

# COPY's rows gathered into blocks of this many bytes before they are yielded.
COPY_BLOCK = 64 * 1024
# A first character that makes a formula: = + - @ tab CR.
FORMULA_START = "^([-=+@\t\r])"


def inert(expression):
    if isinstance(expression, str):
        expression = F(expression)
    return Func(
        Coalesce(expression, Value(""), output_field=TextField()),
        Value(FORMULA_START),
        Value("'\\1"),
        function="regexp_replace",
        output_field=TextField(),
    )


def joined(array, separator: str):
    return Func(array, Value(separator), function="array_to_string", output_field=TextField())


def contact_text_values(queryset: QuerySet, *, user) -> QuerySet:
    """:func:`contact_header`'s columns as text, one row per contact, not yet run."""
    raw = contact_annotated(queryset, user=user)
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
        "c_last": inert("last_name"),
        "c_first": inert("first_name"),
        "c_mobile": inert("mobile_text"),
        "c_work": inert("work_text"),
        "c_private": inert("private_text"),
        "c_emails": inert(joined(F("email_list"), ", ")),
        "c_street": inert("street_address"),
        "c_postcode": inert("postcode"),
        "c_city": inert("city"),
        "c_country": inert("country"),
        "c_website": inert("website"),
        "c_companies": inert(joined(companies, "; ")),
        "c_categories": inert(joined(F("category_list"), ", ")),
        "c_owner": inert("owner_name"),
        "c_remarks": inert("notes"),
        "c_notes": inert(joined(F("note_list"), " | ")),
        "c_mail": inert("newest_mail"),
    }
    return raw.annotate(**columns).values_list(*columns)


def company_text_values(queryset: QuerySet, *, user) -> QuerySet:
    """:func:`company_header`'s columns as text, one row per company, not yet run."""
    categories = Category.objects.filter(companies=OuterRef("pk")).order_by("name").values("name")
    columns = {
        "c_number": Cast("customer_number", TextField()),
        "c_name": inert("name"),
        "c_orgnr": inert("org_number"),
        "c_phone": inert(phone_text("phone")),
        "c_email": inert("email"),
        "c_street": inert("street_address"),
        "c_postcode": inert("postcode"),
        "c_city": inert("city"),
        "c_country": inert("country"),
        "c_website": inert("website"),
        "c_categories": inert(joined(ArraySubquery(categories), ", ")),
        "c_owner": inert(user_name("owner")),
        "c_notes": inert(joined(newest_notes(user, company=True), " | ")),
    }
    return queryset.annotate(**columns).values_list(*columns)


def text_rows(values: QuerySet):
    """The rows of a ``*_text_values`` query, streamed (for XLSX)."""
    return streamed(values)


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
