"""Status moves on an order: the order row locked, and its status checked under the lock.

Status moves (draft → confirmed → invoiced, draft/confirmed → cancelled) go through these
two and nowhere else: the row is locked (``select_for_update``) for each move, so two
clicks at once cannot both confirm, invoice or credit the same thing. Callers use them
through the module (``status.refuse_unless``), so a test can meet two racing moves there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .models import Order


def order_locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def refuse_unless(order: Order, *allowed: str, message) -> None:
    if order.status not in allowed:
        raise ValidationError(message, code="wrong_status")
