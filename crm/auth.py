"""Authentication backend: Django's ModelBackend, with permissions read along with the user.

Every CRM page checks the CRM-access permission. ModelBackend loads the signed-in user in
one query and reads their own and group permissions in two more. Here the session's user
comes with all of them as an array in the same query, and a user loaded otherwise still
has their permissions read in one.
"""

import functools
import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Concat


@functools.cache
def _session_user_sql() -> str:
    """The user by id with ``permission_names`` (``app_label.codename``: their own, their
    groups', or every one for a superuser).

    Raw SQL on purpose: this runs on every request, and the same query built with the ORM
    (an ArraySubquery with OR-ed joins) costs ~2 ms to compile and plan against ~0.5 ms
    for this whole round trip.
    """
    user_model = get_user_model()
    quote = connection.ops.quote_name
    users = quote(user_model._meta.db_table)
    user_permissions = quote(user_model.user_permissions.through._meta.db_table)
    user_groups = quote(user_model.groups.through._meta.db_table)
    group_permissions = quote(Group.permissions.through._meta.db_table)
    permissions = quote(Permission._meta.db_table)
    content_types = quote(ContentType._meta.db_table)
    return f"""
        SELECT u.*, ARRAY(
            SELECT ct.app_label || '.' || p.codename
            FROM {permissions} p
            JOIN {content_types} ct ON ct.id = p.content_type_id
            WHERE u.is_superuser
               OR p.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = u.id)
               OR p.id IN (
                   SELECT gp.permission_id FROM {group_permissions} gp
                   JOIN {user_groups} ug ON ug.group_id = gp.group_id
                   WHERE ug.user_id = u.id)
        ) AS permission_names
        FROM {users} u WHERE u.id = %s
    """


# A password check costs ~0.8 s of CPU (PBKDF2, which runs outside the GIL). Fifty people
# signing in at nine o'clock would otherwise hash on every thread of every worker at once
# and starve everyone else's pages; here each process checks one password at a time and
# the others wait their turn (gunicorn: one per worker, so at most a worker count's worth
# of cores is ever spent on it).
PASSWORD_CHECKS_AT_ONCE = 1
_password_checks = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)


class CrmModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        with _password_checks:
            return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except Exception:
            return None
        found = list(user_model._default_manager.raw(_session_user_sql(), [user_id]))
        if not found:
            return None
        user = found[0]
        user._perm_cache = set(user.permission_names)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            granted = Q() if user_obj.is_superuser else Q(user=user_obj) | Q(group__user=user_obj)
            user_obj._perm_cache = set(
                Permission.objects.filter(granted)
                .values_list(Concat("content_type__app_label", Value("."), "codename"), flat=True)
                .order_by()
                .distinct()
            )
        return user_obj._perm_cache
