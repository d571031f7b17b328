"""/orders and /invoices: read only (bookkeeping is written on the order pages)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from pydantic import Field

from orders.models import Invoice, Order, OrderLine

from ..schemas import Error, InvoiceOut, InvoicePage, OrderOut, OrderPage
from .common import ListQuery, listed, page, since

router = Router(tags=["orders"])


class OrderQuery(ListQuery):
    contact: int | None = Field(None, description="Orders of this contact.")
    company: int | None = None


def _orders():
    return Order.objects.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id"))
    )


def order_out(o: Order) -> dict:
    return {
        "id": o.pk,
        "contact": o.contact_id,
        "company": o.company_id,
        "date": o.date,
        "reference": o.reference,
        "status": o.status,
        "net_total": o.net_total,
        "vat_total": o.vat_total,
        "gross_total": o.gross_total,
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "vat_rate": line.vat_rate,
                "discount_percent": line.discount_percent,
            }
            for line in o.lines.all()
        ],
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


@router.get("/orders", response=OrderPage)
def order_list(request, query: Query[OrderQuery]):
    orders = _orders()
    if query.contact is not None:
        orders = orders.filter(contact_id=query.contact)
    if query.company is not None:
        orders = orders.filter(company_id=query.company)
    rows, following = page(since(orders, query), query)
    return listed([order_out(o) for o in rows], following)


@router.get("/orders/{int:order_id}", response={200: OrderOut, 404: Error})
def order_detail(request, order_id: int):
    return order_out(get_object_or_404(_orders(), pk=order_id))


def invoice_out(i: Invoice) -> dict:
    return {
        "id": i.pk,
        "number": i.number,
        "kind": i.kind,
        "order": i.order_id,
        "credited_invoice": i.credited_invoice_id,
        "invoice_date": i.invoice_date,
        "due_date": i.due_date,
        "kid": i.kid,
        "customer_number": i.customer_number,
        "customer_name": i.customer_name,
        "customer_address": i.customer_address,
        "net_total": i.net_total,
        "vat_total": i.vat_total,
        "gross_total": i.gross_total,
        "created_at": i.created_at,
    }


@router.get("/invoices", response=InvoicePage)
def invoice_list(request, query: Query[OrderQuery]):
    invoices = Invoice.objects.all()
    if query.contact is not None:
        invoices = invoices.filter(order__contact_id=query.contact)
    if query.company is not None:
        invoices = invoices.filter(order__company_id=query.company)
    rows, following = page(since(invoices, query), query)
    return listed([invoice_out(i) for i in rows], following)


@router.get("/invoices/{int:invoice_id}", response={200: InvoiceOut, 404: Error})
def invoice_detail(request, invoice_id: int):
    return invoice_out(get_object_or_404(Invoice, pk=invoice_id))
