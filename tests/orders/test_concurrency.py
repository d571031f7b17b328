"""Orders and invoices handled by several people at the same moment.

Each test forces the collision (tests/races.py): a transaction waits after its read until
the others have read too, or wait on a lock. Each fails when its lock is taken away.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from history.models import Entry
from orders import invoicing, services, status
from orders.models import Invoice, InvoiceCounter, Order, OrderStatus
from tests.contacts.factories import CustomerContactFactory
from tests.crm.factories import UserFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)


def line(price="100.00"):
    return {
        "description": "Timer",
        "quantity": Decimal("1"),
        "unit_price": Decimal(price),
        "vat_rate": 25,
        "discount_percent": Decimal("0"),
    }


def confirmed_order(user):
    order = services.order_create(customer=CustomerContactFactory(), lines=[line()], actor=user)
    return services.order_confirm(order=order, actor=user)


def fresh(order):
    """The order as a new request would load it."""
    return Order.objects.get(pk=order.pk)


def refused(outcome, code):
    return isinstance(outcome.error, ValidationError) and outcome.error.code == code


class _Rollback(Exception):
    pass


def _invoice_then_fail():
    # Takes a number, then rolls back: the number must go to someone else.
    with transaction.atomic():
        invoicing.next_invoice_number()
        raise _Rollback


# --- the invoice number series (the counter row's lock) ---------------------------------


def _meet_between_counter_read_and_write(monkeypatch, parties):
    meet = Rendezvous(parties)
    monkeypatch.setattr(InvoiceCounter, "save", meet.before(InvoiceCounter.save))
    return meet


def test_invoices_and_credit_notes_issued_at_once_are_numbered_without_gap_or_duplicate(
    monkeypatch,
):
    user = UserFactory()
    first = invoicing.invoice_issue(order=confirmed_order(user), actor=user)  # number 1
    orders = [confirmed_order(user) for _ in range(3)]
    meet = _meet_between_counter_read_and_write(monkeypatch, 6)

    def invoice(order):
        return lambda: invoicing.invoice_issue(order=order, actor=user)

    def credit():
        return invoicing.credit_note_issue(invoice=first, actor=user)

    outcomes = race(
        meet, *[invoice(o) for o in orders], credit, _invoice_then_fail, _invoice_then_fail
    )

    assert [type(o.error) for o in outcomes] == [type(None)] * 4 + [_Rollback] * 2
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    # The KID the customer pays with names one document only.
    assert len(set(Invoice.objects.values_list("kid", flat=True))) == 5


def test_the_first_two_invoices_ever_issued_at_once_are_numbers_one_and_two(monkeypatch):
    """No counter row yet: both create it at once (the insert that ignores a conflict)."""
    user = UserFactory()
    first, second = confirmed_order(user), confirmed_order(user)
    meet = _meet_between_counter_read_and_write(monkeypatch, 2)

    outcomes = race(
        meet,
        lambda: invoicing.invoice_issue(order=first, actor=user),
        lambda: invoicing.invoice_issue(order=second, actor=user),
    )

    assert [o.error for o in outcomes] == [None, None]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


# --- status moves (the order row's lock) ------------------------------------------------


def _meet_after_status_read(monkeypatch, parties):
    meet = Rendezvous(parties)
    # Called right after the order row is read, before anything is written.
    monkeypatch.setattr(status, "refuse_unless", meet.before(status.refuse_unless))
    return meet


def test_an_order_invoiced_twice_at_once_gets_one_invoice(monkeypatch):
    user = UserFactory()
    order = confirmed_order(user)
    meet = _meet_after_status_read(monkeypatch, 2)

    def invoice():
        return invoicing.invoice_issue(order=fresh(order), actor=user)

    outcomes = race(meet, invoice, invoice)

    assert sorted(refused(o, "wrong_status") for o in outcomes) == [False, True]
    assert Invoice.objects.filter(order=order).count() == 1


def test_an_order_confirmed_twice_at_once_is_confirmed_once_on_the_timeline(monkeypatch):
    user = UserFactory()
    draft = services.order_create(customer=CustomerContactFactory(), lines=[line()], actor=user)
    meet = _meet_after_status_read(monkeypatch, 2)

    def confirm():
        return services.order_confirm(order=fresh(draft), actor=user)

    outcomes = race(meet, confirm, confirm)

    assert sorted(refused(o, "wrong_status") for o in outcomes) == [False, True]
    assert Entry.objects.filter(verb="orders.confirmed").count() == 1


def test_an_order_invoiced_and_cancelled_at_once_is_one_or_the_other(monkeypatch):
    user = UserFactory()
    order = confirmed_order(user)
    meet = _meet_after_status_read(monkeypatch, 2)

    outcomes = race(
        meet,
        lambda: invoicing.invoice_issue(order=fresh(order), actor=user),
        lambda: services.order_cancel(order=fresh(order), actor=user),
    )

    invoiced, cancelled = (o.error is None for o in outcomes)
    assert invoiced != cancelled  # the later click is told it came too late
    assert refused(outcomes[1] if invoiced else outcomes[0], "wrong_status")
    order.refresh_from_db()
    if invoiced:
        assert order.status == OrderStatus.INVOICED
        assert Invoice.objects.filter(order=order).count() == 1
    else:
        assert order.status == OrderStatus.CANCELLED
        assert not Invoice.objects.filter(order=order).exists()


def test_a_draft_changed_while_being_confirmed_is_confirmed_as_the_timeline_says(monkeypatch):
    user = UserFactory()
    draft = services.order_create(customer=CustomerContactFactory(), lines=[line()], actor=user)
    meet = _meet_after_status_read(monkeypatch, 2)

    outcomes = race(
        meet,
        lambda: services.order_update(
            order=fresh(draft), lines=[line("900.00")], order_date=draft.date
        ),
        lambda: services.order_confirm(order=fresh(draft), actor=user),
    )

    updated, confirmed = (o.error is None for o in outcomes)
    assert confirmed
    assert updated or refused(outcomes[0], "wrong_status")
    order = fresh(draft)
    assert order.status == OrderStatus.CONFIRMED
    # The amount the timeline says was confirmed is the amount the order now has.
    entry = Entry.objects.get(verb="orders.confirmed")
    assert Decimal(entry.data["amount"]) == order.gross_total


# --- credit notes (the invoice row's lock) ----------------------------------------------


def test_an_invoice_credited_twice_at_once_gets_one_credit_note(monkeypatch):
    user = UserFactory()
    invoice = invoicing.invoice_issue(order=confirmed_order(user), actor=user)
    meet = Rendezvous(2)
    # Called after the invoice is read and found not credited, before the note is written.
    monkeypatch.setattr(
        invoicing, "next_invoice_number", meet.before(invoicing.next_invoice_number)
    )

    def credit():
        return invoicing.credit_note_issue(invoice=Invoice.objects.get(pk=invoice.pk), actor=user)

    outcomes = race(meet, credit, credit)

    assert sorted(refused(o, "already_credited") for o in outcomes) == [False, True]
    assert Invoice.objects.filter(credited_invoice=invoice).count() == 1
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]
