"""Who may see the CRM: login, the CRM-access permission, and the firm's administrators.

Every CRM view is wrapped in :func:`crm_view`: anonymous users go to the login page,
signed-in users without CRM access get 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

CRM_ACCESS = "contacts.access_crm"
FIRM_ADMIN = "contacts.administer_firm"


def has_crm_access(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(CRM_ACCESS)


def is_firm_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(FIRM_ADMIN)


def crm_view(view):
    """Login required, then CRM access (403 without it)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_crm_access(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def admin_view(view):
    """Login required, then the firm administrator role (403 without it)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_firm_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def context_processor(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    # Lazy: pages that never ask pay no permission query.
    return {
        "crm_access": lambda: has_crm_access(user),
        "firm_admin": lambda: is_firm_admin(user),
    }
