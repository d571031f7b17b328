from decimal import Decimal

import pytest
from django.urls import reverse

from orders import invoicing, services
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _invoiced(staff):
    order = OrderFactory()
    OrderLineFactory(order=order)
    services.order_confirm(order=services.order_recalculate(order=order), actor=staff)
    return invoicing.invoice_issue(order=order, actor=staff)


def test_admin_lists_and_shows_orders_and_invoices(client, firm_admin, staff):
    client.force_login(firm_admin)
    invoice = _invoiced(staff)
    for url in [
        reverse("admin:orders_order_changelist"),
        reverse("admin:orders_invoice_changelist"),
        reverse("admin:orders_order_change", args=[invoice.order_id]),
        reverse("admin:orders_invoice_change", args=[invoice.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_invoiced_order_and_invoice_are_read_only_in_admin(client, firm_admin, staff):
    client.force_login(firm_admin)
    invoice = _invoiced(staff)
    order_url = reverse("admin:orders_order_change", args=[invoice.order_id])
    page = client.get(order_url).content.decode()
    assert 'name="reference"' not in page
    response = client.post(order_url, {"reference": "endret", "date": "2026-01-01"})
    assert response.status_code == 403
    invoice.order.refresh_from_db()
    assert invoice.order.reference != "endret"
    assert (
        'name="kid"'
        not in client.get(
            reverse("admin:orders_invoice_change", args=[invoice.pk])
        ).content.decode()
    )
    delete = client.post(reverse("admin:orders_invoice_delete", args=[invoice.pk]))
    assert delete.status_code == 403


def test_draft_is_editable_in_admin(client, firm_admin):
    client.force_login(firm_admin)
    order = OrderFactory()
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'name="reference"' in page


def test_admin_line_prices_are_norwegian_text_inputs(client, firm_admin):
    client.force_login(firm_admin)
    order = OrderFactory()
    OrderLineFactory(order=order, quantity=Decimal("1.5"), unit_price=Decimal("1249.50"))
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'value="1\xa0249,50"' in page and 'value="1,5"' in page
    assert 'inputmode="decimal"' in page
