"""How many failed logins are allowed before django-axes locks a login out.

Axes counts failures per user name *and* address together (``AXES_LOCKOUT_PARAMETERS``), so
a colleague who knows a user name cannot lock its owner out from elsewhere. On top of that,
an address that has failed ``AXES_ADDRESS_FAILURE_LIMIT`` times in the cool-off window,
with any names, gets no more tries: guessing many names from one place stops too. The
address limit is well above the per-name one, because a whole office may share one address.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

# django-axes keeps the user name in a varchar(255) column; it does not cut it itself.
USERNAME_MAX_LENGTH = 255


def failure_limit(request, credentials) -> int:
    """Axes' ``AXES_FAILURE_LIMIT`` hook: the per-name limit, or 0 (locked) once the address
    as a whole is over its own limit."""
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    failed_from_address = (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        or 0
    )
    if failed_from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
        return 0
    return settings.AXES_NAME_FAILURE_LIMIT


def client_address(request) -> str | None:
    """Axes' ``AXES_CLIENT_IP_CALLABLE``: the address a login came from.

    Each of the ``DJANGO_PROXY_COUNT`` trusted proxies in front appends the address it was
    connected from to X-Forwarded-For, so the client is that many entries from the right;
    whatever a client wrote there itself stands further left and is ignored.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if len(entries) >= proxies:
            return entries[-proxies]
    return request.META.get("REMOTE_ADDR")


def axes_username(request, credentials=None) -> str | None:
    """Axes' ``AXES_USERNAME_CALLABLE``: the name typed at login, as axes takes it by
    default, cut to its column and without NUL characters: a longer name (no user has one;
    Django's are at most 150) or a NUL would make recording the failure raise, and the
    login page answer 500."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        name = credentials.get(field)
    else:
        name = getattr(request, "data", request.POST).get(field)
    if name is None:
        return None
    return str(name).replace("\x00", "")[:USERNAME_MAX_LENGTH]
