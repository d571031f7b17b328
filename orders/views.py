import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from companies.models import Company
from contacts.models import Contact
from crm.access import admin_view, crm_view
from crm.forms import apply_validation_error
from crm.params import as_int

from . import ehf, invoicing, selectors, seller, sending, services
from .forms import FirmDetailsForm, LineFormSet, OrderForm, OrderLineForm
from .models import Invoice, Order, OrderStatus, vat_code
from .pdf import org_number_text

LINES_PREFIX = "lines"
logger = logging.getLogger(__name__)


def _customer(kind: str, pk: int):
    model = Contact if kind == "contact" else Company
    return get_object_or_404(model, pk=pk)


def _vat_default() -> str:
    details = seller.firm_details()
    return details.default_vat if details else "25"


def _with_extra_line(data):
    """The posted data with one more (empty) line: «Add line» works without JavaScript."""
    data = data.copy()
    key = f"{LINES_PREFIX}-TOTAL_FORMS"
    total = as_int(data.get(key, "0"))
    if total is None:
        return data  # the formset reports the broken management form
    if 0 <= total < 200:
        data[key] = str(total + 1)
        # A bound form shows only posted data: give the new line its defaults.
        for name, field in OrderLineForm.base_fields.items():
            if field.initial is not None:
                data[f"{LINES_PREFIX}-{total}-{name}"] = str(field.initial)
        data[f"{LINES_PREFIX}-{total}-vat_rate"] = _vat_default()
    return data


def _order_form_page(request, *, customer, order=None):
    """The order form (new and edit): the order's fields and a formset of lines."""
    adding_line = request.method == "POST" and "add_line" in request.POST
    form_kwargs = {"vat_default": _vat_default()}
    if request.method == "POST":
        data = _with_extra_line(request.POST) if adding_line else request.POST
        form = OrderForm(data, instance=order)
        lines = LineFormSet(data, prefix=LINES_PREFIX, form_kwargs=form_kwargs)
    else:
        form = OrderForm(instance=order)
        initial = (
            [
                {
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "vat_rate": vat_code(line.vat_rate, line.vat_exempt),
                    "discount_percent": line.discount_percent,
                }
                for line in order.lines.all()
            ]
            if order
            else None
        )
        lines = LineFormSet(prefix=LINES_PREFIX, initial=initial, form_kwargs=form_kwargs)
    if request.method == "POST" and not adding_line and form.is_valid() and lines.is_valid():
        values = {
            "lines": lines.line_values(),
            "order_date": form.cleaned_data["date"],
            "reference": form.cleaned_data["reference"],
        }
        try:
            if order is None:
                order = services.order_create(customer=customer, actor=request.user, **values)
                messages.success(request, _("The order was saved as a draft."))
            else:
                order = services.order_update(order=order, **values)
                messages.success(request, _("The changes were saved."))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(order)
    context = {"form": form, "lines": lines, "customer": customer, "order": order}
    if request.htmx and adding_line:
        return render(request, "orders/order_form.html#order-form", context)
    return render(request, "orders/order_form.html", context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def order_create(request, kind: str, pk: int):
    """«Ny ordre» for a company or a contact; a contact without a customer number is refused."""
    customer = _customer(kind, pk)
    if customer.customer_number is None:
        return render(
            request,
            "orders/not_customer.html",
            {"customer": customer, "is_contact": kind == "contact"},
        )
    return _order_form_page(request, customer=customer)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def order_update(request, pk: int):
    order = selectors.order_for_page(pk=pk)
    if not order.is_editable:
        messages.error(request, _("Only a draft order can be changed."))
        return redirect(order)
    return _order_form_page(request, customer=order.customer, order=order)


@require_GET
@crm_view
def order_detail(request, pk: int):
    order = selectors.order_for_page(pk=pk)
    return render(request, "orders/order_detail.html", {"order": order, "totals": order.totals()})


def _transition(request, pk: int, action, success: str):
    order = get_object_or_404(Order, pk=pk)
    try:
        result = action(order=order, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(order)
    messages.success(request, success)
    return redirect(result)


@require_POST
@crm_view
def order_confirm(request, pk: int):
    return _transition(request, pk, services.order_confirm, _("The order was confirmed."))


@require_POST
@crm_view
def order_cancel(request, pk: int):
    return _transition(request, pk, services.order_cancel, _("The order was cancelled."))


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def order_invoice(request, pk: int):
    """«Lag faktura» asks first: issuing uses up the next number of the gap-free series for
    good. Only a POST with ``confirm`` issues; the button on the order page is a link here."""
    if request.method == "POST" and request.POST.get("confirm"):
        response = _transition(request, pk, invoicing.invoice_issue, _("The invoice was issued."))
        invoice = Invoice.objects.filter(order_id=pk, kind="invoice").first()
        if invoice is not None and invoice.pdf_id is None:
            _save_pdf(request, invoice)
        return response
    order = get_object_or_404(Order, pk=pk)
    if order.status != OrderStatus.CONFIRMED:
        messages.error(request, _("Only a confirmed order can be invoiced."))
        return redirect(order)
    template = "orders/order_confirm_invoice.html"
    if request.htmx:
        template += "#confirm-invoice"
    return render(request, template, {"order": order, "firm_details": seller.firm_details()})


@require_GET
@crm_view
def invoice_detail(request, pk: int):
    """The printable invoice (or credit note); the browser's print makes the PDF."""
    invoice = selectors.invoice_for_page(pk=pk)
    return render(
        request,
        "orders/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": invoice.order.lines.all(),
            "totals": invoice.totals(),
            "seller_id": org_number_text(
                invoice.seller_org_number,
                vat=invoice.seller_vat_registered,
                register=invoice.seller_in_register,
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def invoice_credit(request, pk: int):
    """«Krediter faktura» asks first, as «Lag faktura» does: the credit note takes the next
    number of the gap-free series. Only a POST with ``confirm`` issues it."""
    invoice = get_object_or_404(Invoice, pk=pk)
    if not (request.method == "POST" and request.POST.get("confirm")):
        if invoice.is_credit_note:
            messages.error(request, _("A credit note cannot be credited."))
            return redirect(invoice)
        if invoice.credit_note_or_none:
            messages.error(
                request,
                _("Invoice %(number)s has already been credited.") % {"number": invoice.number},
            )
            return redirect(invoice)
        template = "orders/invoice_confirm_credit.html"
        if request.htmx:
            template += "#confirm-credit"
        return render(request, template, {"invoice": invoice})
    try:
        note = invoicing.credit_note_issue(invoice=invoice, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(invoice)
    messages.success(request, _("The credit note was issued."))
    _save_pdf(request, note)
    return redirect(note)


def _save_pdf(request, invoice: Invoice) -> None:
    """Keep the PDF in the customer's files right after issuing. The invoice stands if
    this fails: the PDF button and «Send faktura» make it again."""
    try:
        invoicing.invoice_pdf_save(invoice=invoice, actor=request.user)
    except Exception:
        logger.exception("The PDF of invoice %s could not be saved", invoice.pk)
        messages.warning(
            request, _("The invoice was issued, but its PDF could not be saved in the files.")
        )


@require_GET
@crm_view
def invoice_pdf(request, pk: int):
    """The PDF (made and kept in the customer's files the first time)."""
    invoice = get_object_or_404(Invoice, pk=pk)
    saved = invoicing.invoice_pdf_save(invoice=invoice, actor=request.user)
    handle = default_storage.open(saved.pdf.key, "rb")
    return FileResponse(
        handle, content_type="application/pdf", filename=saved.pdf_name, as_attachment=False
    )


@require_GET
@crm_view
def invoice_ehf(request, pk: int):
    """EHF (Peppol BIS Billing 3.0) to download and upload to an access point."""
    invoice = selectors.invoice_for_page(pk=pk)
    response = HttpResponse(ehf.invoice_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(True, ehf.ehf_name(invoice))
    return response


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def invoice_send(request, pk: int):
    """«Send faktura»: a page saying where it goes, then the POST that e-mails it."""
    invoice = get_object_or_404(Invoice.objects.select_related("order"), pk=pk)
    recipient = sending.customer_invoice_email(invoice)
    if request.method == "POST":
        try:
            sending.invoice_send(invoice=invoice, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The invoice was sent to %(email)s.") % {"email": recipient},
            )
        return redirect(invoice)
    template = "orders/invoice_confirm_send.html"
    if request.htmx:
        template += "#confirm-send"
    return render(request, template, {"invoice": invoice, "recipient": recipient})


@require_http_methods(["GET", "POST"])
@admin_view
def firm_details(request):
    """The firm's own details as a seller (administrators)."""
    details = seller.firm_details()
    if request.method == "POST":
        form = FirmDetailsForm(request.POST, request.FILES, instance=details)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in FirmDetailsForm.Meta.fields}
            try:
                seller.firm_details_save(
                    values=values,
                    logo=form.cleaned_data.get("logo_upload"),
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                    actor=request.user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The firm's details were saved."))
                return redirect("orders:firm_details")
    else:
        form = FirmDetailsForm(
            instance=details,
            initial=None if details else {"payment_terms_days": settings.INVOICE_TERMS_DAYS},
        )
    return render(request, "orders/firm_details_form.html", {"form": form, "details": details})
