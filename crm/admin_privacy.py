"""Django admin under the CRM's privacy rules (:mod:`crm.visibility`).

Every ModelAdmin of ours derives from :class:`VisibleRowsAdmin`:

- lists, search, filters, change forms, history, autocomplete and actions start from
  :meth:`~VisibleRowsAdmin.get_queryset`, which keeps only the rows the user may see (a
  row the user may not see does "not exist": admin redirects to its index);
- delete confirmations (the delete page and «Delete selected») list and count only what
  the user may see among what goes with the object. Hidden rows still go with it, as on
  the CRM's own «Slett»; their delete permission is not asked for either, since a
  refusal naming their kind would tell that they exist.

Inlines of a model with a rule derive from :class:`VisibleRowsInline`. The site itself
(:class:`CrmAdminSite`) also requires CRM access. Both also name users by their names,
not their login names (:mod:`crm.admin_users`).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import display_for_value, quote
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from .access import has_crm_access
from .admin_users import UserNamesAdmin, UserNamesAutocomplete
from .deletion import collect
from .visibility import visible


class CrmAdminSite(admin.AdminSite):
    def has_permission(self, request):
        """Staff status alone is not enough: the CRM-access permission too (the firm's
        administrators have it), so a staff user without it gets the admin login."""
        return super().has_permission(request) and has_crm_access(request.user)

    def login(self, request, extra_context=None):
        """«You are signed in as Kari Nordmann, but …»: the name, not the login name."""
        from .users import display_name

        if request.user.is_authenticated:
            extra_context = {"username": display_name(request.user), **(extra_context or {})}
        return super().login(request, extra_context)

    def autocomplete_view(self, request):
        return UserNamesAutocomplete.as_view(admin_site=self)(request)


class CrmAdminConfig(AdminConfig):
    default_site = "crm.admin_privacy.CrmAdminSite"


class VisibleRowsAdmin(UserNamesAdmin, admin.ModelAdmin):
    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user)

    def get_deleted_objects(self, objs, request):
        """Django's own (``django.contrib.admin.utils.get_deleted_objects``), with what
        ``request.user`` may not see left out of the list, the counts and the permission
        check."""
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector, hidden = collect(objs, viewer=request.user)
        perms_needed = set()

        def format_callback(obj):
            opts = obj._meta
            no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
            if not self.admin_site.is_registered(type(obj)):
                return no_edit_link
            if not self.admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                )
            except NoReverseMatch:
                return no_edit_link
            return format_html(
                '{}: <a href="{}">{}</a>',
                capfirst(opts.verbose_name),
                url,
                display_for_value(str(obj), self.get_empty_value_display()),
            )

        seen = set()

        def nested(obj):
            if obj in seen or obj in hidden:
                return []
            seen.add(obj)
            children = []
            for child in collector.edges.get(obj, ()):
                children.extend(nested(child))
            return [format_callback(obj), children] if children else [format_callback(obj)]

        to_delete = []
        for root in collector.edges.get(None, ()):
            to_delete.extend(nested(root))
        # A protected row the user may not see still stops the delete: named by its kind
        # only, never by what it says.
        protected = [
            capfirst(row._meta.verbose_name) if row in hidden else format_callback(row)
            for row in collector.protected
        ]
        model_count = {}
        for model, rows in collector.model_objs.items():
            count = sum(1 for row in rows if row not in hidden)
            if count:
                model_count[model._meta.verbose_name_plural] = count
        return to_delete, model_count, perms_needed, protected


class VisibleRowsInline(UserNamesAdmin):
    """Mixin for an inline (``class FileLinkInline(VisibleRowsInline, TabularInline)``)."""

    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user)
