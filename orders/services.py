"""Writes on orders and invoices. Each function is one transaction and checks before saving.

Status moves (draft → confirmed → invoiced, draft/confirmed → cancelled) are enforced
here and nowhere else; the order row is locked (``select_for_update``) for each move, so
two clicks at once cannot both confirm, invoice or credit the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from contacts.models import Contact
from crm.owners import owner_of

from . import money
from .kid import kid_for
from .models import Invoice, InvoiceCounter, InvoiceKind, Order, OrderLine, OrderStatus

INVOICE_SERIES = "invoice"


def _history(order: Order, verb: str, actor, data: dict, target) -> None:
    """Put the event on the customer's timeline: the private customer's or the company's."""
    from history.services import history_record

    history_record(
        **owner_of(order, ("contact", "company")),
        verb=verb,
        actor=actor,
        actor_label="" if actor is not None else "orders",
        data=data,
        target=target,
    )


def _check_customer(customer: Contact | Company) -> None:
    if customer.customer_number is None:
        if isinstance(customer, Contact):
            raise ValidationError(
                _(
                    "%(name)s has no customer number. Give the contact a customer number "
                    "(the «+» beside the customer-number field) to make orders for them."
                ),
                code="not_customer",
                params={"name": customer.full_name},
            )
        raise ValidationError(
            _(
                "%(name)s has no customer number. Give the company a customer number "
                "before making orders for it."
            ),
            code="not_customer",
            params={"name": customer.name},
        )


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _refuse_unless(order: Order, *allowed: str, message) -> None:
    if order.status not in allowed:
        raise ValidationError(message, code="wrong_status")


def _set_lines(order: Order, lines: Iterable[dict]) -> None:
    order.lines.all().delete()
    made = []
    for position, values in enumerate(lines):
        line = OrderLine(order=order, position=position, **values)
        line.full_clean(exclude=["order"])
        made.append(line)
    OrderLine.objects.bulk_create(made)
    totals = money.totals(made)
    order.net_total, order.vat_total, order.gross_total = totals.net, totals.vat, totals.gross


@transaction.atomic
def order_create(
    *,
    customer: Contact | Company,
    lines: Iterable[dict],
    order_date: date | None = None,
    reference: str = "",
    actor=None,
) -> Order:
    """A draft order for a customer (a company or a contact with a customer number)."""
    _check_customer(customer)
    order = Order(
        contact=customer if isinstance(customer, Contact) else None,
        company=customer if isinstance(customer, Company) else None,
        date=order_date or timezone.localdate(),
        reference=reference,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    order.full_clean()
    order.save()
    _set_lines(order, lines)
    order.save(update_fields=["net_total", "vat_total", "gross_total", "updated_at"])
    _history(
        order,
        "orders.created",
        actor,
        {"number": order.pk, "amount": str(order.gross_total)},
        order,
    )
    return order


@transaction.atomic
def order_update(
    *, order: Order, lines: Iterable[dict], order_date: date, reference: str = ""
) -> Order:
    locked = _lock(order)
    _refuse_unless(locked, OrderStatus.DRAFT, message=_("Only a draft order can be changed."))
    locked.date, locked.reference = order_date, reference
    locked.full_clean()
    _set_lines(locked, lines)
    locked.save()
    return locked


@transaction.atomic
def order_recalculate(*, order: Order) -> Order:
    """Write the totals again from the lines (after Django admin has edited them)."""
    locked = _lock(order)
    totals = locked.totals()
    locked.net_total, locked.vat_total, locked.gross_total = totals.net, totals.vat, totals.gross
    locked.save(update_fields=["net_total", "vat_total", "gross_total", "updated_at"])
    return locked


@transaction.atomic
def order_confirm(*, order: Order, actor=None) -> Order:
    locked = _lock(order)
    _refuse_unless(locked, OrderStatus.DRAFT, message=_("Only a draft order can be confirmed."))
    if not locked.lines.exists():
        raise ValidationError(_("An order needs at least one line."), code="no_lines")
    locked.status = OrderStatus.CONFIRMED
    locked.save(update_fields=["status", "updated_at"])
    _history(
        locked,
        "orders.confirmed",
        actor,
        {"number": locked.pk, "amount": str(locked.gross_total)},
        locked,
    )
    return locked


@transaction.atomic
def order_cancel(*, order: Order, actor=None) -> Order:
    locked = _lock(order)
    _refuse_unless(
        locked,
        OrderStatus.DRAFT,
        OrderStatus.CONFIRMED,
        message=_("An invoiced or cancelled order cannot be cancelled."),
    )
    locked.status = OrderStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    return locked


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
    locked = _lock(order)
    _refuse_unless(
        locked, OrderStatus.CONFIRMED, message=_("Only a confirmed order can be invoiced.")
    )
    customer = locked.customer
    _check_customer(customer)
    invoice_date = invoice_date or timezone.localdate()
    number = next_invoice_number()
    totals = locked.totals()
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        number=number,
        order=locked,
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=settings.INVOICE_TERMS_DAYS),
        kid=kid_for(customer_number=customer.customer_number, invoice_number=number),
        customer_number=customer.customer_number,
        customer_name=locked.customer_name,
        customer_address=_customer_address(customer),
        net_total=totals.net,
        vat_total=totals.vat,
        gross_total=totals.gross,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    invoice.full_clean(exclude=["number"])
    invoice.save()
    locked.status = OrderStatus.INVOICED
    locked.save(update_fields=["status", "updated_at"])
    _history(
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
        net_total=-locked.net_total,
        vat_total=-locked.vat_total,
        gross_total=-locked.gross_total,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    note.full_clean(exclude=["number"])
    note.save()
    _history(
        locked.order,
        "orders.credited",
        actor,
        {"number": number, "invoice": locked.number, "amount": str(note.gross_total)},
        note,
    )
    return note
