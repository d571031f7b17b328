from django.contrib import admin

from crm.admin_privacy import VisibleRowsAdmin

from .models import Erasure, ExportLog


class _ReadOnly(VisibleRowsAdmin):
    """A record of what happened: nobody edits or adds it by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(_ReadOnly):
    list_display = ["occurred_at", "actor", "kind", "scope", "format", "rows"]
    list_filter = ["format", "scope", "kind"]


@admin.register(Erasure)
class ErasureAdmin(_ReadOnly):
    list_display = ["occurred_at", "actor", "contact_id", "kept_invoices"]
