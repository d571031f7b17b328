from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from history.models import Entry
from orders import invoicing, services
from orders.kid import kid_is_valid
from orders.models import Invoice, InvoiceKind, OrderStatus
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory, CustomerContactFactory

pytestmark = pytest.mark.django_db

LINES = [
    {
        "description": "Rådgivning",
        "quantity": Decimal("2"),
        "unit_price": Decimal("950.00"),
        "vat_rate": 25,
        "discount_percent": Decimal("0"),
    },
    {
        "description": "Kake",
        "quantity": Decimal("3"),
        "unit_price": Decimal("49.90"),
        "vat_rate": 15,
        "discount_percent": Decimal("10"),
    },
]


def _confirmed_order(staff, customer=None):
    order = services.order_create(
        customer=customer or CustomerContactFactory(), lines=LINES, actor=staff
    )
    return services.order_confirm(order=order, actor=staff)


def test_order_for_a_private_customer_keeps_its_totals(staff):
    customer = CustomerContactFactory()
    order = services.order_create(
        customer=customer,
        lines=LINES,
        reference="PO 17",
        order_date=date(2026, 11, 2),
        actor=staff,
    )
    assert order.contact == customer and order.company is None
    assert order.status == OrderStatus.DRAFT
    assert [line.description for line in order.lines.all()] == ["Rådgivning", "Kake"]
    assert order.net_total == Decimal("2034.73")
    assert order.vat_total == Decimal("495.21")
    assert order.gross_total == Decimal("2529.94")


def test_a_contact_without_customer_number_is_refused(staff):
    contact = ContactFactory(customer_number=None)
    with pytest.raises(ValidationError) as refusal:
        services.order_create(customer=contact, lines=LINES, actor=staff)
    assert refusal.value.code == "not_customer"
    assert "har ikke kundenummer" in refusal.value.messages[0]
    assert not contact.orders.exists()


def test_a_company_without_customer_number_is_refused(staff):
    with pytest.raises(ValidationError):
        services.order_create(customer=CompanyFactory(), lines=LINES, actor=staff)


def test_company_customer_gets_an_order(staff):
    company = CompanyFactory(customer_number=770001)
    order = services.order_create(customer=company, lines=LINES, actor=staff)
    assert order.company == company and order.contact is None
    assert order.customer_name == company.name


def test_bad_line_is_refused_with_the_field_named(staff):
    bad = [{**LINES[0], "discount_percent": Decimal("120")}]
    with pytest.raises(ValidationError) as refusal:
        services.order_create(customer=CustomerContactFactory(), lines=bad, actor=staff)
    assert "discount_percent" in refusal.value.message_dict


def test_status_moves_draft_confirmed_invoiced(staff):
    order = _confirmed_order(staff)
    assert order.status == OrderStatus.CONFIRMED
    invoice = invoicing.invoice_issue(order=order, actor=staff, invoice_date=date(2026, 11, 26))
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED
    assert invoice.due_date == date(2026, 12, 10)
    assert invoice.gross_total == order.gross_total
    assert kid_is_valid(invoice.kid)
    assert invoice.kid.startswith(str(order.contact.customer_number))


def test_due_date_follows_the_firms_payment_terms(staff, firm):
    firm.payment_terms_days = 30
    firm.save()
    invoice = invoicing.invoice_issue(
        order=_confirmed_order(staff), actor=staff, invoice_date=date(2026, 11, 26)
    )
    assert invoice.due_date == date(2026, 12, 26)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (OrderStatus.DRAFT, invoicing.invoice_issue),
        (OrderStatus.INVOICED, services.order_confirm),
        (OrderStatus.CANCELLED, services.order_confirm),
        (OrderStatus.INVOICED, services.order_cancel),
        (OrderStatus.CANCELLED, invoicing.invoice_issue),
    ],
)
def test_wrong_status_moves_are_refused(staff, status, action):
    order = services.order_create(customer=CustomerContactFactory(), lines=LINES, actor=staff)
    order.status = status
    order.save()
    with pytest.raises(ValidationError):
        action(order=order, actor=staff)


def test_only_a_draft_can_be_changed(staff):
    order = _confirmed_order(staff)
    with pytest.raises(ValidationError):
        services.order_update(order=order, lines=LINES, order_date=date(2026, 1, 1))


def test_update_replaces_lines_and_totals(staff):
    order = services.order_create(customer=CustomerContactFactory(), lines=LINES, actor=staff)
    order = services.order_update(
        order=order, lines=LINES[:1], order_date=date(2026, 1, 5), reference="ny"
    )
    assert order.lines.count() == 1
    assert order.gross_total == Decimal("2375.00")


def test_confirm_needs_a_line(staff):
    order = services.order_create(customer=CustomerContactFactory(), lines=[], actor=staff)
    with pytest.raises(ValidationError):
        services.order_confirm(order=order, actor=staff)


def test_invoice_numbers_follow_on(staff):
    numbers = [
        invoicing.invoice_issue(order=_confirmed_order(staff), actor=staff).number
        for _ in range(3)
    ]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_credit_note_negates_the_whole_invoice_in_the_same_series(staff):
    invoice = invoicing.invoice_issue(order=_confirmed_order(staff), actor=staff)
    note = invoicing.credit_note_issue(invoice=invoice, actor=staff)
    assert note.kind == InvoiceKind.CREDIT_NOTE
    assert note.credited_invoice == invoice
    assert note.number == invoice.number + 1
    assert note.gross_total == -invoice.gross_total
    assert note.vat_total == -invoice.vat_total
    assert [r.net for r in note.totals().by_rate] == [-r.net for r in invoice.totals().by_rate]
    invoice.refresh_from_db()
    assert invoice.credit_note_or_none == note


def test_an_invoice_is_credited_only_once(staff):
    invoice = invoicing.invoice_issue(order=_confirmed_order(staff), actor=staff)
    note = invoicing.credit_note_issue(invoice=invoice, actor=staff)
    with pytest.raises(ValidationError):
        invoicing.credit_note_issue(invoice=invoice, actor=staff)
    with pytest.raises(ValidationError):
        invoicing.credit_note_issue(invoice=note, actor=staff)
    assert Invoice.objects.count() == 2


def test_history_gets_created_confirmed_and_invoiced(staff):
    customer = CustomerContactFactory()
    order = _confirmed_order(staff, customer)
    invoice = invoicing.invoice_issue(order=order, actor=staff)
    entries = Entry.objects.filter(contact=customer).order_by("occurred_at", "id")
    verbs = [e.verb for e in entries]
    assert verbs[-3:] == ["orders.created", "orders.confirmed", "orders.invoiced"]
    assert entries.last().data["number"] == invoice.number
    assert entries.last().actor == staff


def test_company_orders_are_on_the_companys_timeline_and_no_contacts(staff):
    company = CompanyFactory(customer_number=770002)
    contacts_before = Entry.objects.filter(contact__isnull=False).count()
    _confirmed_order(staff, company)
    verbs = list(
        Entry.objects.filter(company=company).order_by("id").values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["orders.created", "orders.confirmed"]
    assert Entry.objects.filter(contact__isnull=False).count() == contacts_before


def test_recalculate_writes_totals_from_lines(staff):
    order = services.order_create(customer=CustomerContactFactory(), lines=LINES, actor=staff)
    order.lines.filter(description="Kake").delete()
    order = services.order_recalculate(order=order)
    assert order.gross_total == Decimal("2375.00")
