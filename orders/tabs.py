"""The Ordre og faktura tab of the contact card and of the company page (registered in
apps.py; see crm/tabs.py)."""

import functools

from django.db.models import OuterRef
from django.urls import reverse

from crm.pagination import page_with_total
from crm.tabs import count_subquery

from . import selectors

TAB_PAGE_SIZE = 25


def _orders_tab_context(request, customer, kind, orders, invoices) -> dict:
    """The customer's orders and invoices, a page of each (``orders_page``,
    ``invoices_page`` in the URL), with row links built from one reverse() each."""
    return {
        "customer": customer,
        "customer_kind": kind,
        "orders": page_with_total(orders, request.GET.get("orders_page"), TAB_PAGE_SIZE),
        "invoices": page_with_total(invoices, request.GET.get("invoices_page"), TAB_PAGE_SIZE),
        "order_url": reverse("orders:detail", args=[0]).removesuffix("0/"),
        "invoice_url": reverse("orders:invoice", args=[0]).removesuffix("0/"),
        "tab_url": reverse(
            "contacts:tab" if kind == "contact" else "companies:tab", args=[customer.pk, "orders"]
        ),
    }


def contact_orders_tab_context(request, contact):
    return _orders_tab_context(
        request,
        contact,
        "contact",
        selectors.orders_for_contact(contact=contact),
        selectors.invoices_for_contact(contact=contact),
    )


def company_orders_tab_context(request, company):
    return _orders_tab_context(
        request,
        company,
        "company",
        selectors.orders_for_company(company=company),
        selectors.invoices_for_company(company=company),
    )


def contact_orders_count(request, pk):
    return _orders_count()


@functools.cache
def _orders_count():
    """The contact's orders (their invoices are counted with them, not beside); correlated
    with the contact's row, so built once (crm/tabs.py)."""
    return count_subquery(selectors.orders_for_contact(contact=OuterRef("pk")))
