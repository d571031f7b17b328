"""Orders and invoices in Django admin: read-only once invoiced (or cancelled).

Status moves and invoicing go through the services (the pages' buttons); here an
administrator may correct a draft or confirmed order, and the totals are written again by the service.
"""

from django.contrib import admin

from crm.admin_privacy import VisibleRowsAdmin

from . import services
from .forms import OrderLineAdminForm
from .models import Invoice, InvoiceCounter, Order, OrderLine, OrderStatus


def _editable(obj) -> bool:
    return obj is None or obj.status in (OrderStatus.DRAFT, OrderStatus.CONFIRMED)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    form = OrderLineAdminForm
    extra = 0
    fields = ["position", "description", "quantity", "unit_price", "vat_rate", "discount_percent"]

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)


class InvoiceInline(admin.TabularInline):
    model = Invoice
    extra = 0
    fields = ["number", "kind", "invoice_date", "due_date", "kid", "gross_total"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(VisibleRowsAdmin):
    list_display = ["id", "date", "contact", "company", "reference", "status", "gross_total"]
    list_filter = ["status", "date"]
    search_fields = ["id", "reference", "contact__last_name", "company__name"]
    list_select_related = ["contact", "company"]
    autocomplete_fields = ["contact", "company"]
    readonly_fields = ["status", "net_total", "vat_total", "gross_total", "created_by"]
    inlines = [OrderLineInline, InvoiceInline]
    date_hierarchy = "date"

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        # New orders go through «Ny ordre», which refuses non-customers.
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.order_recalculate(order=form.instance)


@admin.register(Invoice)
class InvoiceAdmin(VisibleRowsAdmin):
    """Issued invoices and credit notes never change: view only."""

    list_display = [
        "number",
        "kind",
        "invoice_date",
        "due_date",
        "customer_name",
        "kid",
        "gross_total",
    ]
    list_filter = ["kind", "invoice_date"]
    search_fields = ["number", "kid", "customer_name"]
    list_select_related = ["order"]
    date_hierarchy = "invoice_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(VisibleRowsAdmin):
    list_display = ["series", "last_number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
