"""What each row of an export holds, read in one streamed query.

Each row is one query row: the contact's own columns and its e-mail addresses, current
companies, categories, the newest notes and the newest e-mail the exporting user may read
(``Note.objects.visible_to``, ``Message.objects.visible_to``: another user's private note
and a locked contact's e-mail never appear). Three shapes of the same columns:

- :func:`contact_values` (here): raw values (lists as arrays) for vCards, each list a
  correlated subquery (an index probe per row), read through a server-side cursor;
- ``text_columns.contact_text_values``: the spreadsheet's text columns, made in the
  database, for CSV (PostgreSQL's COPY, ``text_columns.csv_copy``) and XLSX;
- ``all_contacts.all_contacts_text_sql`` and ``all_contacts.all_contacts_vcard_rows``: the
  same for every contact, set-based (merge joins in id order instead of a probe per row).

On a million contacts (``make bench-export``, median of three, on the shared 2-core
machine under a load of 7–10): CSV ~53,000 rows/s, vCard ~23,500 rows/s (Python writes
each card), in flat memory (~100–115 MB for the process, whatever the rows).
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim, TruncDate
from django.utils.translation import gettext as _

from activities.models import Note
from companies.models import CompanyLink
from contacts.models import Category, ContactEmail
from mailbox.models import Message, MessageContact

# Rows the server-side cursor fetches at a time.
CHUNK_SIZE = 5000
# The newest notes a row shows (a card can hold thousands).
NOTES_PER_ROW = 5


def phone_text(field: str):
    """A phone column as its stored text (E.164), NULL when empty: no PhoneNumber
    object per value."""
    return NullIf(Cast(field, TextField()), Value("", output_field=TextField()))


def user_name(prefix: str):
    full = Concat(
        F(f"{prefix}__first_name"),
        Value(" "),
        F(f"{prefix}__last_name"),
        output_field=TextField(),
    )
    return Coalesce(
        NullIf(Trim(full), Value("")), F(f"{prefix}__username"), output_field=TextField()
    )


def newest_notes(user, **owner):
    notes = (
        Note.objects.visible_to(user)
        .filter(**{name: OuterRef("pk") for name in owner})
        .order_by("-created_at", "-id")
        .values("text")
    )
    return ArraySubquery(notes[:NOTES_PER_ROW])


def streamed(rows: QuerySet):
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
    for row in streamed(rows):
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


def contact_annotated(queryset: QuerySet, *, user) -> QuerySet:
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
        mobile_text=phone_text("mobile"),
        work_text=phone_text("work_phone"),
        private_text=phone_text("private_phone"),
        email_list=ArraySubquery(emails),
        company_names=ArraySubquery(links.values("company__name")),
        position_list=ArraySubquery(links.values("position")),
        category_list=ArraySubquery(categories),
        owner_name=user_name("owner"),
        note_list=newest_notes(user, contact=True),
        newest_mail=Subquery(newest_mail),
    )


def contact_values(queryset: QuerySet, *, user) -> QuerySet:
    """The query behind :func:`contact_rows`: one row per contact, not yet run."""
    return contact_annotated(queryset, user=user).values_list(
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
        phone_text=phone_text("phone"),
        category_list=ArraySubquery(categories),
        owner_name=user_name("owner"),
        note_list=newest_notes(user, company=True),
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
    for row in streamed(rows):
        pk, *columns, cats, owner, notes = row
        yield (*columns, ", ".join(cats), owner, " | ".join(notes)), (pk,)
