"""Invoices and credit notes: the gap-free number series, issuing an invoice for a
confirmed order, crediting one, and keeping its PDF in the customer's file area."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from files.services import file_link, file_store, stored_bytes_removed_on_error

from . import status
from .kid import kid_for
from .models import Invoice, InvoiceCounter, InvoiceKind, Order, OrderStatus
from .pdf import invoice_pdf
from .seller import SELLER_FIELDS, require_firm_details, seller_snapshot
from .services import check_customer, order_history

INVOICE_SERIES = "invoice"


def next_invoice_number(series: str = INVOICE_SERIES) -> int:
    """The next number of the series. Call inside the transaction that saves the invoice.

    The counter row is created on first use (``ON CONFLICT DO NOTHING``, which waits for a
    concurrent creator) and then locked: concurrent invoicings queue on the lock, and a
    rollback gives the number back, so the series has neither gaps nor duplicates.
    """
    InvoiceCounter.objects.bulk_create(
        [InvoiceCounter(series=series, last_number=0)], ignore_conflicts=True
    )
    counter = InvoiceCounter.objects.select_for_update().get(series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _customer_address(customer) -> str:
    place = f"{customer.postcode} {customer.city}".strip()
    return "\n".join(part for part in [customer.street_address, place] if part)


@transaction.atomic
def invoice_issue(*, order: Order, actor=None, invoice_date: date | None = None) -> Invoice:
    """Invoice a confirmed order: the next invoice number, due date, KID."""
    locked = status.order_locked(order)
    status.refuse_unless(
        locked, OrderStatus.CONFIRMED, message=_("Only a confirmed order can be invoiced.")
    )
    customer = locked.customer
    check_customer(customer)
    seller = require_firm_details()
    invoice_date = invoice_date or timezone.localdate()
    number = next_invoice_number()
    totals = locked.totals()
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        number=number,
        order=locked,
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=seller.payment_terms_days),
        kid=kid_for(customer_number=customer.customer_number, invoice_number=number),
        customer_number=customer.customer_number,
        customer_name=locked.customer_name,
        customer_address=_customer_address(customer),
        customer_org_number=getattr(customer, "org_number", ""),
        delivery_date=locked.date,
        **seller_snapshot(seller),
        net_total=totals.net,
        vat_total=totals.vat,
        gross_total=totals.gross,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    invoice.full_clean(exclude=["number"])
    invoice.save()
    locked.status = OrderStatus.INVOICED
    locked.save(update_fields=["status", "updated_at"])
    order_history(
        locked,
        "orders.invoiced",
        actor,
        {"number": number, "order": locked.pk, "amount": str(invoice.gross_total)},
        invoice,
    )
    return invoice


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, actor=None, credit_date: date | None = None) -> Invoice:
    """A credit note for the whole invoice, numbered in the same gap-free series."""
    locked = Invoice.objects.select_for_update().select_related("order").get(pk=invoice.pk)
    if locked.is_credit_note:
        raise ValidationError(_("A credit note cannot be credited."), code="is_credit_note")
    if Invoice.objects.filter(credited_invoice=locked).exists():
        raise ValidationError(
            _("Invoice %(number)s has already been credited."),
            code="already_credited",
            params={"number": locked.number},
        )
    credit_date = credit_date or timezone.localdate()
    number = next_invoice_number()
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        number=number,
        order=locked.order,
        credited_invoice=locked,
        invoice_date=credit_date,
        due_date=credit_date,
        kid=kid_for(customer_number=locked.customer_number, invoice_number=number),
        customer_number=locked.customer_number,
        customer_name=locked.customer_name,
        customer_address=locked.customer_address,
        customer_org_number=locked.customer_org_number,
        delivery_date=locked.delivery_date,
        # The credit note mirrors the invoice it cancels, seller included.
        **{name: getattr(locked, name) for name in SELLER_FIELDS},
        net_total=-locked.net_total,
        vat_total=-locked.vat_total,
        gross_total=-locked.gross_total,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    note.full_clean(exclude=["number"])
    note.save()
    order_history(
        locked.order,
        "orders.credited",
        actor,
        {"number": number, "invoice": locked.number, "amount": str(note.gross_total)},
        note,
    )
    return note


def _file_place(order: Order) -> dict:
    return {"contact": order.contact} if order.contact_id else {"company": order.company}


@transaction.atomic
def invoice_pdf_save(*, invoice: Invoice, actor=None) -> Invoice:
    """Make the invoice's PDF once and keep it in the customer's file area (the card's or
    the company's «Filer»), recorded in the history. Later calls return the same file."""
    locked = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("order", "order__contact", "order__company", "credited_invoice")
        .get(pk=invoice.pk)
    )
    if locked.pdf_id is not None:
        return locked
    with stored_bytes_removed_on_error():
        stored = file_store(content=invoice_pdf(locked), name=locked.pdf_name, uploader=actor)
        file_link(file=stored, actor=actor, verb="orders.pdf_saved", **_file_place(locked.order))
        locked.pdf = stored
        locked.save(update_fields=["pdf", "updated_at"])
    return locked
