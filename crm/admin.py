"""Django's user admin under the CRM's privacy rules: a user's delete page lists what
goes with the user (their own mail accounts, their admin log) as the deleting
administrator may see it (crm.admin_privacy). Its permission lists, and the group
admin's, name each permission in the user's language: Django stores a permission's name
in English when it creates it («Can add contact») and shows that name.

And two libraries' admins with the labels they give in code, not through gettext, put
in words the catalog can translate (the rest of their text is translated in
locale/nb/LC_MESSAGES/django.po, listed in crm/library_messages.py).
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.forms import ModelMultipleChoiceField
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db import admin as tasks_admin
from django_tasks_db.models import DBTaskResult

from .admin_privacy import VisibleRowsAdmin

User = get_user_model()

# Django's default permissions, by the first word of their codename («add_contact»).
_DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    """«Kontakter | kontakt | Kan legge til kontakt»: Django's «app | model | name», each
    part translated. A model's own permissions are translated by their stored name (the
    msgid of ``Meta.permissions``)."""
    model = permission.content_type.model_class()
    if model is None:  # a model that is gone: Django's own words
        return str(permission)
    opts = model._meta
    action = permission.codename.split("_", 1)[0]
    if permission.codename == f"{action}_{opts.model_name}" and action in _DEFAULT_PERMISSIONS:
        name = _DEFAULT_PERMISSIONS[action] % {"model": opts.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


class PermissionChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class PermissionLabelsAdmin:
    """Mixin for the user and group admins: permissions listed by translated names."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs.setdefault("form_class", PermissionChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class CrmUserAdmin(PermissionLabelsAdmin, VisibleRowsAdmin, UserAdmin):
    pass


admin.site.unregister(Group)


@admin.register(Group)
class CrmGroupAdmin(PermissionLabelsAdmin, GroupAdmin):
    pass


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("Expires At"))
    def expiration(self, obj):
        return super().expiration(obj)


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(tasks_admin.DBTaskResultAdmin):
    @admin.display(description=_("task name"))
    def task_name(self, obj):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)
