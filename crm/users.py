"""CRM users: creating them (``manage.py crm_user``, the demo data) and naming them on
pages, former employees included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from .access import CRM_ACCESS, FIRM_ADMIN

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission


def _permission(dotted: str) -> Permission:
    # Imported here: this module is imported before the models are loaded (crm.forms,
    # crm.admin_users, and through them the admin site's app config).
    from django.contrib.auth.models import Permission

    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def crm_user_save(
    *,
    username: str,
    password: str | None,
    admin: bool = False,
    crm_access: bool = True,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
):
    """Create or update a user. An administrator of the firm also gets Django admin."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    for name, value in [("first_name", first_name), ("last_name", last_name), ("email", email)]:
        if value is not None:
            setattr(user, name, value)
    user.is_active = True
    user.is_staff = admin
    user.is_superuser = admin
    user.full_clean()
    user.save()
    access, firm_admin = _permission(CRM_ACCESS), _permission(FIRM_ADMIN)
    if crm_access:
        user.user_permissions.add(access)
    else:
        user.user_permissions.remove(access)
    if admin:
        user.user_permissions.add(firm_admin)
    else:
        user.user_permissions.remove(firm_admin)
    return user, created


def display_name(user) -> str:
    """A user's name as pages and exports show it. A user who was deleted (``None``: what
    they wrote is kept, its author set to NULL) is «Tidligere bruker»; a deactivated one
    keeps the name, marked as a former user."""
    if user is None:
        return _("Former user")
    name = user.get_full_name() or user.get_username()
    if not user.is_active:
        return _("%(name)s (former user)") % {"name": name}
    return name
