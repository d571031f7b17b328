"""Who may call the API, and how often.

Two ways in, tried in this order: a personal access token (``Authorization: Bearer kk_…``)
or the browser's session on the same origin (then with Django's CSRF check on writes, as
the pages have it). Either way the caller is a user, and the pages' rules apply as they
are: CRM access (``crm.access``), private notes, the e-mail lock, administrator-only
actions. A read-only token is refused every write (403).

The rate limit is a fixed window per token (per user for a session) counted in Django's
cache with ``add`` + ``incr`` (atomic in every shared cache backend). Django Ninja's own
throttles keep a list of timestamps per key, rewritten whole on each request; a counter
is cheaper and cannot lose a concurrent request's count.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from crm.access import has_crm_access

from .selectors import token_for_secret
from .services import token_touch

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _admit(request, user, token=None):
    if not has_crm_access(user):
        raise HttpError(403, _("You do not have access to the CRM."))
    if token is not None and not token.can_write and request.method not in SAFE_METHODS:
        raise HttpError(403, _("This token may only read."))
    request.user = user  # also tags the history capture with the user (pghistory)
    request.api_token = token
    return user


class TokenAuth(HttpBearer):
    """A personal access token in the ``Authorization: Bearer`` header."""

    def authenticate(self, request, token):
        found = token_for_secret(token)
        if found is None:
            # A key that was sent and is wrong (revoked, expired, made up) is refused even
            # beside a session: the caller meant the key.
            raise AuthenticationError
        user = _admit(request, found.user, found)
        token_touch(token=found)
        return user


class CrmSessionAuth(SessionAuth):
    """The signed-in browser (the docs page's «Try it out»), CSRF-checked."""

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        return _admit(request, request.user)


def rate_limit() -> tuple[int, int]:
    """(requests, seconds) per token: settings.API_RATE_LIMIT, «600/60» by default."""
    requests, seconds = getattr(settings, "API_RATE_LIMIT", (600, 60))
    return requests, seconds


class TokenRateThrottle(BaseThrottle):
    """A fixed window per token (per user for a session)."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "api_token", None)
        who = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        limit, seconds = rate_limit()
        now = time.time()
        window = int(now // seconds)
        self.retry_after = (window + 1) * seconds - now
        key = f"api:rate:{who}:{window}"
        # add() starts the window's count; incr() is atomic where the cache is shared.
        if cache.add(key, 1, seconds + 1):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add() and incr()
            cache.add(key, 1, seconds + 1)
            return True
        # None: the shared cache is out of reach (django-redis answers so instead of
        # failing). Nothing can be counted then; the requests go through uncounted.
        return count is None or count <= limit

    def wait(self) -> float:
        return max(1.0, self.retry_after)
