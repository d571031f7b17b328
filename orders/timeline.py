"""The contact's orders in the card's «Aktivitet» time line (registered in apps.py; see
contacts/activity.py)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contacts.activity import TimelineEntry
from crm.rows import url_for

from . import selectors
from .models import OrderStatus


def orders_source(request, contact, limit: int) -> list[TimelineEntry]:
    orders = selectors.orders_for_contact(contact=contact).only(
        "date", "status", "gross_total", "reference"
    )[:limit]
    labels = dict(OrderStatus.choices)
    detail_url = url_for("orders:detail")
    return [
        TimelineEntry(
            kind="order",
            icon="bi-receipt",
            label=str(order),
            when=order.date,
            title=order.reference or str(order),
            url=detail_url(order.pk),
            detail=f"{labels.get(order.status, order.status)} · "
            + _("%(amount)s kr")
            % {"amount": number_format(order.gross_total, 2, force_grouping=True)},
        )
        for order in orders
    ]
