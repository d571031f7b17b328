"""Writes on orders: make, change, recalculate, confirm and cancel one. Each function is
one transaction and checks before saving; status moves go through ``status.py``.

Invoices are in ``invoicing.py``, sending them in ``sending.py``, the firm's own details
in ``seller.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from contacts.models import Contact
from crm.owners import owner_of

from . import money, status
from .models import Order, OrderLine, OrderStatus


def order_history(order: Order, verb: str, actor, data: dict, target) -> None:
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


def check_customer(customer: Contact | Company) -> None:
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
    check_customer(customer)
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
    order_history(
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
    locked = status.order_locked(order)
    status.refuse_unless(
        locked, OrderStatus.DRAFT, message=_("Only a draft order can be changed.")
    )
    locked.date, locked.reference = order_date, reference
    locked.full_clean()
    _set_lines(locked, lines)
    locked.save()
    return locked


@transaction.atomic
def order_recalculate(*, order: Order) -> Order:
    """Write the totals again from the lines (after Django admin has edited them)."""
    locked = status.order_locked(order)
    totals = locked.totals()
    locked.net_total, locked.vat_total, locked.gross_total = totals.net, totals.vat, totals.gross
    locked.save(update_fields=["net_total", "vat_total", "gross_total", "updated_at"])
    return locked


@transaction.atomic
def order_confirm(*, order: Order, actor=None) -> Order:
    locked = status.order_locked(order)
    status.refuse_unless(
        locked, OrderStatus.DRAFT, message=_("Only a draft order can be confirmed.")
    )
    if not locked.lines.exists():
        raise ValidationError(_("An order needs at least one line."), code="no_lines")
    locked.status = OrderStatus.CONFIRMED
    locked.save(update_fields=["status", "updated_at"])
    order_history(
        locked,
        "orders.confirmed",
        actor,
        {"number": locked.pk, "amount": str(locked.gross_total)},
        locked,
    )
    return locked


@transaction.atomic
def order_cancel(*, order: Order, actor=None) -> Order:
    locked = status.order_locked(order)
    status.refuse_unless(
        locked,
        OrderStatus.DRAFT,
        OrderStatus.CONFIRMED,
        message=_("An invoiced or cancelled order cannot be cancelled."),
    )
    locked.status = OrderStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    return locked
