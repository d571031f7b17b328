from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from contacts.admin import ContactAdmin
from crm.admin_privacy import VisibleRowsAdmin

from . import services
from .models import Company, CompanyLink, OfflineRegisterUnit
from .register.services import REGISTER_FIELDS


class PeopleInline(admin.TabularInline):
    model = CompanyLink
    extra = 0
    autocomplete_fields = ["contact"]
    fields = ["contact", "position", "work_phone", "mobile", "email", "start_date", "end_date"]


@admin.register(Company)
class CompanyAdmin(VisibleRowsAdmin):
    list_display = ["name", "org_number", "customer_number", "city", "owner"]
    list_filter = ["categories", "owner", ("customer_number", admin.EmptyFieldListFilter)]
    search_fields = ["name", "org_number", "customer_number"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["categories"]
    # What the company register says is the register's («Oppdater fra Enhetsregisteret»).
    readonly_fields = ["customer_number", *REGISTER_FIELDS, "created_at", "updated_at"]
    inlines = [PeopleInline]
    actions = ["make_customers"]
    show_full_result_count = False

    @admin.action(description=_("Give the selected companies customer numbers"))
    def make_customers(self, request, queryset):
        for company in queryset.filter(customer_number__isnull=True):
            services.company_make_customer(company=company)


@admin.register(CompanyLink)
class CompanyLinkAdmin(VisibleRowsAdmin):
    list_display = ["contact", "company", "position", "start_date", "end_date"]
    list_filter = [("end_date", admin.EmptyFieldListFilter)]
    search_fields = ["contact__last_name", "company__name", "position"]
    autocomplete_fields = ["contact", "company"]
    list_select_related = ["contact", "company"]


class CompanyLinkInline(admin.TabularInline):
    """A person's companies, on the contact's admin page."""

    model = CompanyLink
    extra = 0
    autocomplete_fields = ["company"]
    fields = ["company", "position", "work_phone", "mobile", "email", "start_date", "end_date"]


ContactAdmin.inlines = [*ContactAdmin.inlines, CompanyLinkInline]


@admin.register(OfflineRegisterUnit)
class OfflineRegisterUnitAdmin(VisibleRowsAdmin):
    """The company register's bulk download, for looking a unit up: it is changed by
    ``load_company_register`` only."""

    list_display = ["org_number", "name", "is_branch", "parent_org_number", "loaded_at"]
    search_fields = ["org_number", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
