"""Users in Django admin named as the CRM's pages name them («Kari Nordmann», not the
login name «kari»): :func:`crm.users.display_name`, in ONE place for every ModelAdmin of
ours (through :class:`crm.admin_privacy.VisibleRowsAdmin` and ``VisibleRowsInline``).

Django shows a user by ``str(user)``, the login name, in five places; here each gets the
name instead:

- a user field's form field (select, autocomplete, the selected option of either):
  :class:`crm.forms.UserChoiceField`;
- a user column of a list (``list_display``): a column that shows the name, sorted by
  the field, whose row is fetched with the list's own query (``list_select_related``);
- a user filter of a list (``list_filter``): :class:`UserListFilter`;
- the admin's autocomplete (a user field in ``autocomplete_fields``):
  :class:`UserNamesAutocomplete`, the site's autocomplete view;
- a read-only user field on a change page (or any user field on a page the user may
  only view): the same column as the list's, swapped in as the page is rendered.
"""

import functools

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey

from .forms import UserChoiceField, UserMultipleChoiceField
from .users import display_name


def _user_field(model, name):
    """The foreign key or many-to-many field of ``model`` called ``name`` that points at
    users, or None."""
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.is_relation and not field.auto_created and field.related_model is get_user_model():
        return field
    return None


@functools.cache
def user_column(model, name: str):
    """A list column (and read-only field) showing the user in ``model.<name>`` by name.
    Cached: the admin recognises a read-only field by identity."""
    field = _user_field(model, name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        if field.many_to_many:
            names = ", ".join(display_name(user) for user in getattr(obj, name).all())
        else:
            names = display_name(getattr(obj, name)) if getattr(obj, field.attname) else ""
        # No user: the admin's empty value, «-» (a read-only field would show «None»).
        return names or admin.site.empty_value_display

    column.__name__ = column.__qualname__ = f"{name}_name"
    return column


class UserListFilter(admin.RelatedFieldListFilter):
    """Filter by a user field, the users listed by name."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or (
            "first_name",
            "last_name",
            "username",
        )
        users = field.related_model._default_manager.order_by(*ordering)
        return [(user.pk, display_name(user)) for user in users]


class UserNamesAutocomplete(AutocompleteJsonView):
    """The admin's autocomplete, users in its answers named."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            result["text"] = display_name(obj)
        return result


class UserNamesAdmin:
    """Mixin for a ModelAdmin or an inline: users named, not login names."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _user_field(db_field.model, db_field.name):
            kwargs.setdefault("form_class", UserChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _user_field(db_field.model, db_field.name):
            kwargs.setdefault("form_class", UserMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _named(self, names):
        return [user_column(self.model, n) if _user_field(self.model, n) else n for n in names]

    def get_list_display(self, request):
        return self._named(super().get_list_display(request))

    def get_list_select_related(self, request):
        """The users of the list's columns in its one query, with what Django itself would
        fetch for the columns it still knows as fields."""
        chosen = super().get_list_select_related(request)
        if chosen is True:
            return chosen
        names = [
            n
            for n in super().get_list_display(request)
            if isinstance(n, str) and isinstance(_field(self.model, n), ForeignKey)
        ]
        if chosen is False:
            # Django's default: every foreign key shown, when the list shows one.
            return names
        return [*chosen, *(n for n in names if n not in chosen)]

    def get_list_filter(self, request):
        return [
            (name, UserListFilter) if _user_field(self.model, name) else name
            for name in super().get_list_filter(request)
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        """A read-only user field (read-only by ``readonly_fields``, or on a page the user
        may only view) is shown by its column, which names the user."""
        adminform = context.get("adminform")
        if adminform is not None:
            swap = {
                name: user_column(self.model, name)
                for name in adminform.readonly_fields
                if _user_field(self.model, name)
            }
            if swap:
                adminform.readonly_fields = [swap.get(n, n) for n in adminform.readonly_fields]
                adminform.fieldsets = [
                    (title, {**options, "fields": _swapped(options["fields"], swap)})
                    for title, options in adminform.fieldsets
                ]
        return super().render_change_form(request, context, *args, **kwargs)


def _swapped(fields, swap):
    """``fields`` of a fieldset (names, or tuples of names on one line) with names swapped."""
    return [
        tuple(swap.get(n, n) for n in name)
        if isinstance(name, list | tuple)
        else swap.get(name, name)
        for name in fields
    ]


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
