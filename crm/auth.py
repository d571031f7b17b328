"""Authentication backend: Django's ModelBackend, with permissions read along with the user.

Every CRM page checks the CRM-access permission. ModelBackend loads the signed-in user in
one query and reads their own and group permissions in two more; here the session's user
comes with all of them as an array in the same query, and a user loaded otherwise still
has their permissions read in one.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat


def _permission_names(user):
    """``app_label.codename`` of the permissions of ``user`` (an outer reference or a user):
    their own, their groups', or all of them for a superuser."""
    if isinstance(user, OuterRef):
        superuser = Exists(get_user_model().objects.filter(pk=OuterRef(user), is_superuser=True))
        granted = Q(user=user) | Q(group__user=user) | Q(superuser)
    elif user.is_superuser:
        granted = Q()
    else:
        granted = Q(user=user) | Q(group__user=user)
    return (
        Permission.objects.filter(granted)
        .values_list(Concat("content_type__app_label", Value("."), "codename"), flat=True)
        .order_by()
        .distinct()
    )


class CrmModelBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            permission_names=ArraySubquery(_permission_names(OuterRef("pk")))
        )
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        user._perm_cache = set(user.permission_names)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(_permission_names(user_obj))
        return user_obj._perm_cache
