"""Downloads: a list export (search hits, a selection, all), one contact's vCard, a
person's own data; and the erasure of a person."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.models import CompanyLink
from contacts.models import Contact, ContactEmail
from crm.access import admin_view, crm_view

from . import formats, selectors, services
from .all_contacts import all_contacts_text_sql, all_contacts_vcard_rows
from .models import ExportFormat, ExportScope
from .personal_data import personal_data_zip
from .rows import company_header, contact_header, contact_rows
from .text_columns import company_text_values, contact_text_values, csv_copy, text_rows

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.VCARD: "text/vcard; charset=utf-8",
}
# Search parameters kept in the export's record (the rest of the query string is noise).
_PARAMETERS = ("q", "kind", "selection", "company", "type", "match", "category")


def _filename(kind: str, extension: str) -> str:
    stem = _("contacts") if kind == "contact" else _("companies")
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _counted(rows, counter: list[int]):
    for row in rows:
        counter[0] += 1
        yield row


def _finished(chunks, log, counter):
    """The chunks, then the row count on the export's record once the last is sent."""
    yield from chunks
    services.export_log_finish(log=log, rows=counter[0])


@require_GET
@crm_view
def export_list(request, scope: str, format: str):
    """/exports/<scope>.<format>?…: the hits of the search panel's parameters
    («search»), the checked rows (``id``, «selection») or every contact or company
    («all»), as CSV, XLSX or vCard (contacts only)."""
    if scope not in ExportScope.values or format not in ExportFormat.values:
        raise Http404
    export = selectors.export_queryset(scope=scope, params=request.GET, user=request.user)
    if export is None or (format == ExportFormat.VCARD and export.kind != "contact"):
        raise Http404
    names = [*_PARAMETERS, "id"] if scope == ExportScope.SELECTION else _PARAMETERS
    # As sent, for the record: cut short, and without the NUL PostgreSQL cannot store.
    parameters = {
        name: [value.replace("\x00", "")[:200] for value in request.GET.getlist(name)[:1000]]
        for name in names
        if name in request.GET
    }
    log = services.export_log_start(
        actor=request.user,
        kind=export.kind,
        scope=scope,
        format=format,
        parameters=parameters,
    )
    counter = [0]
    filename = _filename(export.kind, format)
    contacts = export.kind == "contact"
    header = contact_header() if contacts else company_header()
    if format == ExportFormat.VCARD:
        if scope == ExportScope.ALL:
            source = all_contacts_vcard_rows()
        else:
            source = contact_rows(export.queryset, user=request.user)
        rows = _counted(source, counter)
        chunks = formats.vcard_chunks(_cards(rows))
    else:
        text_values = contact_text_values if contacts else company_text_values
        values = text_values(export.queryset, user=request.user)
        if format == ExportFormat.XLSX:
            title = _("Contacts") if contacts else _("Companies")
            rows = _counted(text_rows(values), counter)
            out = formats.xlsx_file(header, rows, title=title)
            services.export_log_finish(log=log, rows=counter[0])
            return FileResponse(
                out, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[format]
            )
        if contacts and scope == ExportScope.ALL:
            values = all_contacts_text_sql(user=request.user)
        chunks = itertools.chain([formats.csv_header(header)], csv_copy(values, counter))
    response = StreamingHttpResponse(
        _finished(chunks, log, counter), content_type=CONTENT_TYPES[format]
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _cards(rows):
    """vCards from :func:`contact_rows`' rows."""
    for columns, (pk, emails, companies) in rows:
        (_number, last, first, mobile, work, private, _emails, street, postcode, city,
         country, website, *_rest) = columns  # fmt: skip
        yield formats.vcard_fast(
            first_name=first,
            last_name=last,
            organisations=companies,
            phones=[("CELL", mobile), ("WORK", work), ("HOME", private)],
            emails=emails,
            street=street,
            postcode=postcode,
            city=city,
            country=country,
            url=website,
            uid=f"kontaktkort-contact-{pk}",
        )


def _contact_for_vcard(pk: int) -> Contact:
    queryset = Contact.objects.prefetch_related(
        Prefetch("emails", queryset=ContactEmail.objects.order_by("position", "id")),
        Prefetch(
            "company_links",
            queryset=CompanyLink.objects.current()
            .select_related("company")
            .order_by("company__sort_key", "id"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def _phone(number) -> str:
    return number.as_e164 if number else ""


@require_GET
@crm_view
def contact_vcard(request, pk: int):
    """«Last ned vCard»: the contact as a vCard 3.0 for a phone's address book."""
    contact = _contact_for_vcard(pk)
    card = formats.vcard(
        first_name=contact.first_name,
        last_name=contact.last_name,
        organisations=[(link.company.name, link.position) for link in contact.company_links.all()],
        phones=[
            ("CELL", _phone(contact.mobile)),
            ("WORK", _phone(contact.work_phone)),
            ("HOME", _phone(contact.private_phone)),
        ],
        emails=[email.email for email in contact.emails.all()],
        street=contact.street_address,
        postcode=contact.postcode,
        city=contact.city,
        country=contact.country,
        url=contact.website,
        uid=f"kontaktkort-contact-{contact.pk}",
    )
    services.contact_export_record(contact=contact, actor=request.user, format="vCard")
    response = HttpResponse(card.encode(), content_type=CONTENT_TYPES[ExportFormat.VCARD])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{_safe_stem(contact.full_name)}.vcf"
    )
    return response


def _safe_stem(name: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in name).strip()
    return stem[:80] or "contact"


@require_POST
@admin_view
def personal_data_export(request, pk: int):
    """«Eksporter personopplysninger»: everything held about the person, as a ZIP."""
    contact = get_object_or_404(Contact, pk=pk)
    out = personal_data_zip(contact=contact, viewer=request.user)
    services.personal_data_export_record(contact=contact, actor=request.user)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{_safe_stem(contact.full_name)}-{timezone.localdate():%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@require_http_methods(["GET", "POST"])
@admin_view
def contact_erase(request, pk: int):
    """«Slett personopplysninger»: a confirmation page, then the erasure."""
    contact = get_object_or_404(Contact, pk=pk)
    if request.method == "POST":
        name = contact.full_name
        services.contact_erase(contact=contact, actor=request.user)
        messages.success(request, _("The personal data of %(name)s was erased.") % {"name": name})
        if Contact.objects.filter(pk=pk).exists():
            return redirect("contacts:detail", pk=pk)
        return redirect("home")
    return render(
        request,
        "exports/contact_confirm_erase.html",
        {"contact": contact, "preview": services.erasure_preview(contact=contact)},
    )
