"""A database outage: a 503 «temporarily unavailable» page with Retry-After, logged once.

When PostgreSQL cannot be reached (stopped, restarting, out of connections, the network
gone), every request that needs it fails with OperationalError or InterfaceError: in the
view, or earlier, in middleware that reads the session's user (pghistory's, on writes).
Django would answer with its 500 page and log three chained tracebacks per request. Here
such a request gets a 503 with ``Retry-After``, rendered without the database in the
language the request asks for (LocaleMiddleware reads the cookie and Accept-Language,
never the database), and the outage is logged once: at ERROR on the first failed request,
at INFO when a new connection succeeds again. Errors that are our own (a statement
timeout, a deadlock) keep their 500 and their traceback.

The hook is the project's handler500 (server_error), not a middleware: Django turns an
exception raised in a middleware into a response right there, so a middleware of ours
would never see the errors of pghistory's, nor those of an error page (the 404 page
reads the user for its menu), but handler500 is called for every one of them, while the
exception is being handled, so ``sys.exc_info()`` names it. With DEBUG on, Django shows
its technical 500 page instead, traceback and all, as for any other error.

Recovery needs nothing from here: Django closes a connection that had errors at the end
of the request and checks a kept one before reusing it (CONN_HEALTH_CHECKS), so the first
request after the database is back connects afresh (tests/crm/test_outage.py).
"""

import logging
import sys
import threading

import psycopg
from django import db
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# SQLSTATEs that say the server cannot serve us now rather than that our SQL is wrong:
# class 08 (connection exception), admin/crash shutdown, "starting up", too many
# connections. Failures on the client side (refused, reset, timed out) have none.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def is_database_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, db.InterfaceError | psycopg.InterfaceError):
        return True
    if not isinstance(exc, db.OperationalError | psycopg.OperationalError):
        return False
    # Django's wrapper carries psycopg's error as its cause.
    cause = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


class _Outage:
    """Requests answered 503 since the database was last reached; shared by the threads
    of one process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._failed = 0

    def failed(self, request, exc: BaseException) -> None:
        with self._lock:
            self._failed += 1
            first = self._failed == 1
        if first:
            logger.error(
                "Database unavailable (first failed request: %s %s); answering 503 "
                "until a connection succeeds: %s",
                request.method,
                request.path,
                exc,
            )

    def connected(self) -> None:
        if not self._failed:  # the common case, without taking the lock
            return
        with self._lock:
            failed, self._failed = self._failed, 0
        if failed:
            logger.info("Database reachable again after %d failed requests", failed)


_outage = _Outage()


def record_failure(request, exc: BaseException) -> None:
    """Count a request the database failed; marks it so that django.request does not log
    its 503 again (see SkipOutageResponses)."""
    request.database_outage = True
    _outage.failed(request, exc)


def database_connected(sender, connection, **kwargs) -> None:
    """Receiver of ``connection_created``: a new connection means the outage is over."""
    _outage.connected()


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    record_failure(request, exc)
    # Rendered without the request: no context processors, so nothing reads the session,
    # the user or the database.
    body = loader.render_to_string("503.html", {"can_retry": request.method in ("GET", "HEAD")})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: the 503 page when the database is the reason, Django's 500 otherwise."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return unavailable_response(request, exc)
    return defaults.server_error(request)


class SkipOutageResponses(logging.Filter):
    """On the django.request logger: the 503s answered here are logged once per outage
    (above), not once per request."""

    def filter(self, record):
        return not getattr(getattr(record, "request", None), "database_outage", False)
