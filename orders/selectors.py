"""Every read the order and invoice pages need."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from .models import Invoice, Order, OrderLine


def orders_for_contact(*, contact):
    return Order.objects.filter(contact=contact).order_by("-date", "-id")


def orders_for_company(*, company):
    return Order.objects.filter(company=company).order_by("-date", "-id")


def invoices_for_contact(*, contact):
    return Invoice.objects.filter(order__contact=contact).order_by("-number")


def invoices_for_company(*, company):
    return Invoice.objects.filter(order__company=company).order_by("-number")


def order_for_page(*, pk: int) -> Order:
    queryset = Order.objects.select_related("contact", "company").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")),
        Prefetch("invoices", queryset=Invoice.objects.order_by("number")),
    )
    return get_object_or_404(queryset, pk=pk)


def invoice_for_page(*, pk: int) -> Invoice:
    queryset = Invoice.objects.select_related(
        "order", "credited_invoice", "credit_note"
    ).prefetch_related(Prefetch("order__lines", queryset=OrderLine.objects.order_by("position")))
    return get_object_or_404(queryset, pk=pk)
