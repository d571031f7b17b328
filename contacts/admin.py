from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.admin_privacy import VisibleRowsAdmin

from . import services
from .models import Category, Contact, ContactEmail, PostalCode, RetiredCustomerNumber


@admin.register(Category)
class CategoryAdmin(VisibleRowsAdmin):
    search_fields = ["name"]


@admin.register(PostalCode)
class PostalCodeAdmin(VisibleRowsAdmin):
    """Posten's register, to look a postcode up: it is changed by ``refresh_postcodes``."""

    list_display = ["postcode", "town", "municipality", "category"]
    search_fields = ["postcode", "town", "municipality"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 1
    fields = ["email", "position"]


@admin.register(Contact)
class ContactAdmin(VisibleRowsAdmin):
    list_display = ["last_name", "first_name", "mobile", "customer_number", "owner", "created_at"]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["categories", "owner", ("customer_number", admin.EmptyFieldListFilter)]
    search_fields = ["last_name", "first_name", "emails__email", "customer_number"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["categories"]
    readonly_fields = ["customer_number", "email_locked", "created_at", "updated_at"]
    inlines = [ContactEmailInline]  # companies/admin.py adds the person's company links
    actions = ["make_customers"]
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a million rows on every page

    @admin.action(description=_("Give the selected contacts customer numbers"))
    def make_customers(self, request, queryset):
        for contact in queryset.filter(customer_number__isnull=True):
            services.contact_make_customer(contact=contact)


@admin.register(RetiredCustomerNumber)
class RetiredCustomerNumberAdmin(admin.ModelAdmin):
    """Read only: a number is retired by a merge and never given again (issue 18)."""

    list_display = ["number", "retired_at", "reason"]
    search_fields = ["number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
