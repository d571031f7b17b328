"""The rows an export writes: which contacts or companies (the search panel's hits, a
selection, all), and what each row holds, read in one streamed query.

Each row is one query row: the contact's own columns and, as correlated subqueries, its
e-mail addresses, current companies, categories, the newest notes and the newest e-mail
the exporting user may read (``Note.objects.visible_to``, ``Message.objects.visible_to``:
another user's private note and a locked contact's e-mail never appear). Each is an
index probe per row (``contact_email_lower_idx``… ``note_contact_idx``,
``mail_link_contact_sent_idx``), so a million rows stream from a server-side cursor at a
steady pace with nothing held but the cursor's chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim, TruncDate
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
        return Export(kind=kind, queryset=queryset)
    if scope == "selection":
        ids = _ids(params.getlist("id"))
        if not ids:
            return None
        return Export(kind=kind, queryset=model.objects.filter(pk__in=ids))
    if scope == "all":
        return Export(kind=kind, queryset=model.objects.all())
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
    """The contacts of ``queryset`` in name order, each as a tuple of
    :func:`contact_header`'s columns plus the id and the raw e-mails and companies (for
    vCards): (columns, extra) pairs, streamed."""
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
    rows = (
        queryset.order_by("sort_key", "id")
        .annotate(
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
        .values_list(
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
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
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
    rows = (
        queryset.order_by("sort_key", "id")
        .annotate(
            phone_text=_text("phone"),
            category_list=ArraySubquery(categories),
            owner_name=_user_name("owner"),
            note_list=_notes(user, company=True),
        )
        .values_list(
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
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        pk, *columns, cats, owner, notes = row
        yield (*columns, ", ".join(cats), owner, " | ".join(notes)), (pk,)
