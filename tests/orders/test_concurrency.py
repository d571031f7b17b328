"""The invoice series is gap-free also when many people invoice at the same moment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from orders import services
from orders.models import Invoice
from tests.factories import CustomerContactFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
LINE = {
    "description": "Timer",
    "quantity": Decimal("1"),
    "unit_price": Decimal("100.00"),
    "vat_rate": 25,
    "discount_percent": Decimal("0"),
}


def _run_at_once(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait(timeout=30)
            target()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


class _Rollback(Exception):
    pass


def test_concurrent_invoicing_gives_numbers_without_gaps_or_duplicates():
    user = UserFactory()
    orders = []
    for _ in range(THREADS):
        order = services.order_create(customer=CustomerContactFactory(), lines=[LINE], actor=user)
        orders.append(services.order_confirm(order=order, actor=user))

    def invoice(order):
        return lambda: services.invoice_issue(order=order, actor=user)

    def invoice_then_fail():
        # Takes a number, then rolls back: the number must be given to someone else.
        with transaction.atomic():
            services.next_invoice_number()
            raise _Rollback

    errors = _run_at_once([invoice(o) for o in orders] + [invoice_then_fail] * 3)
    assert len(errors) == 3 and all(isinstance(e, _Rollback) for e in errors)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))


def test_concurrent_invoicing_of_the_same_order_invoices_it_once():
    user = UserFactory()
    order = services.order_create(customer=CustomerContactFactory(), lines=[LINE], actor=user)
    order = services.order_confirm(order=order, actor=user)
    errors = _run_at_once([lambda: services.invoice_issue(order=order, actor=user)] * 4)
    assert len(errors) == 3
    assert list(Invoice.objects.values_list("number", flat=True)) == [1]
