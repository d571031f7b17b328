"""Reads that may lag go to PostgreSQL streaming replicas; everything else to the primary.

With ``DATABASE_REPLICA_URLS`` set, the settings add one database alias per replica
(``replica_0``, ``replica_1``, …) and this module's router and middleware decide, query by
query, where a read goes. A read goes to a replica only when all of these hold:

- it belongs to a **safe request** (GET, HEAD, OPTIONS) that :class:`ReplicaMiddleware`
  let through: no management command, task worker or shell ever reads from a replica, and
  a POST reads what it is about to change from the primary;
- the user did **not write in the last few seconds** (``DATABASE_REPLICA_STICKY_SECONDS``):
  a request that is not safe, or one that wrote through the ORM, sets a short-lived cookie,
  and while it lasts the user reads from the primary, so a saved note is on the card that
  the redirect shows even if the replica is a moment behind;
- the request has **not written yet** (reads after a write in the same request see it);
- **no transaction is open** on the primary: reads inside ``atomic()`` (and so every
  ``select_for_update()``) belong to that transaction;
- the model is not one that must be fresh: sessions (a logout must end a session at once);
- the replica is **up** and **not far behind**: at a request's first read its kept
  connection must answer (the check Django's CONN_HEALTH_CHECKS makes anyway), or a new
  one open within the connect timeout, and its lag (measured every ``CHECK_SECONDS``)
  be at most ``DATABASE_REPLICA_MAX_LAG_SECONDS`` (a replica whose replay stopped would
  otherwise serve older and older pages); a replica found down or behind is left alone for ``CHECK_SECONDS`` (per process), so
  requests do not each wait for its timeout; and a safe request whose replica dies
  under its view is answered once more from the primary
  (:meth:`ReplicaMiddleware.process_exception`) rather than with an error page.

Raw SQL that reads for a page asks the router too: ``connections[read_alias(Model)]``
(search/probe.py). Raw SQL on ``django.db.connection`` stays on the primary, which is
right for writes, locks and anything inside a transaction.
"""

from __future__ import annotations

import contextvars
import random
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router

from crm import outage
from crm.database_settings import REPLICA_PREFIX

# Seconds a replica found down (or too far behind) is left alone, and between two
# measurements of its lag.
CHECK_SECONDS = 5.0
# How far behind the primary a replica is: 0 when it has replayed all it received, else
# the age of the last transaction it replayed.
LAG_SQL = """
    SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
           END
"""
# Apps whose rows are always read from the primary.
PRIMARY_ONLY_APPS = frozenset({"sessions"})
# The cookie that sends a user who just wrote to the primary; its value is the time (Unix
# seconds) until which it does. Forging it only makes one's own reads slower.
STICKY_COOKIE = "crm_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _RequestReads:
    """What the router knows about the request being served (mutable, so that a write
    deep in a view is seen by the middleware whatever context it ran in)."""

    replica_allowed: bool
    wrote: bool = False
    replica: str | None = None  # the replica chosen for this request, once chosen
    replica_checked: bool = False
    used: set[str] = field(default_factory=set)


_request_reads: contextvars.ContextVar[_RequestReads | None] = contextvars.ContextVar(
    "crm_request_reads", default=None
)

_state_lock = threading.Lock()
# alias -> (up, monotonic time until which that is trusted); shared by a process's threads.
_replica_state: dict[str, tuple[bool, float]] = {}
# alias -> monotonic time until which its last lag measurement stands.
_lag_measured: dict[str, float] = {}


def replica_aliases() -> list[str]:
    return [alias for alias in connections.settings if alias.startswith(REPLICA_PREFIX)]


def read_alias(model) -> str:
    """The database alias a read of ``model`` goes to now (for raw SQL that reads)."""
    return router.db_for_read(model)


def _mark(alias: str, up: bool) -> None:
    with _state_lock:
        _replica_state[alias] = (up, time.monotonic() + CHECK_SECONDS)


def _replica_up(alias: str) -> bool:
    """Whether ``alias`` can serve this request: its kept connection answers, or a new one
    opens within the connect timeout, and it is at most DATABASE_REPLICA_MAX_LAG_SECONDS
    behind (measured every ``CHECK_SECONDS``). A replica found down or behind is not
    tried again for ``CHECK_SECONDS``, so requests do not each wait for its timeout."""
    if replica_known_down(alias):
        return False
    known = _replica_state.get(alias)
    wrapper = connections[alias]
    try:
        # Django's own health check (CONN_HEALTH_CHECKS) does this once per request too;
        # done here, before the first read, a dead replica costs no failed query.
        if wrapper.connection is not None and not wrapper.is_usable():
            wrapper.close()
        wrapper.ensure_connection()
        wrapper.health_check_done = True
        if time.monotonic() >= _lag_measured.get(alias, 0):
            with wrapper.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
            _lag_measured[alias] = time.monotonic() + CHECK_SECONDS
            if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
                _mark(alias, False)
                return False
    except DatabaseError:
        wrapper.close()
        _mark(alias, False)
        return False
    if known is None or not known[0]:
        _mark(alias, True)
    return True


def replica_known_down(alias: str) -> bool:
    """Whether ``alias`` is being left alone (found down or behind, lately)."""
    known = _replica_state.get(alias)
    return known is not None and not known[0] and time.monotonic() < known[1]


def forget_replica_states() -> None:
    """Check every replica afresh at its next use."""
    with _state_lock:
        _replica_state.clear()
        _lag_measured.clear()


def mark_replica_down(alias: str) -> None:
    """Leave ``alias`` alone for ``CHECK_SECONDS`` (it failed a query)."""
    connections[alias].close()
    _mark(alias, False)


def _choose_replica(reads: _RequestReads) -> str | None:
    """The replica for this request's reads, chosen (and checked) at its first read."""
    if reads.replica is None and not reads.replica_checked:
        reads.replica_checked = True
        candidates = replica_aliases()
        random.shuffle(candidates)
        reads.replica = next((alias for alias in candidates if _replica_up(alias)), None)
    return reads.replica


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads to a replica when the request allows it, writes
    and migrations to the primary."""

    def db_for_read(self, model, **hints):
        reads = _request_reads.get()
        if reads is None or not reads.replica_allowed or reads.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        alias = _choose_replica(reads)
        if alias is None:
            return DEFAULT_DB_ALIAS
        reads.used.add(alias)
        return alias

    def db_for_write(self, model, **hints):
        reads = _request_reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same rows: an object read from a replica may be linked
        # to one read from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db.startswith(REPLICA_PREFIX):
            return False  # a standby is read-only; it receives the primary's schema
        return None


def _sticky_until(request) -> float:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, 0))
    except ValueError:
        return 0.0


class ReplicaMiddleware:
    """Sets, per request, whether its reads may go to a replica, and after a write sends
    the user's next few seconds of reads to the primary (read your own writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        replicated = bool(replica_aliases())
        reads = _RequestReads(
            replica_allowed=safe and replicated and _sticky_until(request) < time.time()
        )
        token = _request_reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _request_reads.reset(token)
        if replicated and (not safe or reads.wrote):
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=max(1, round(seconds)),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """A safe request whose replica failed under it: mark the replica down and
        answer the request again from the primary."""
        reads = _request_reads.get()
        if reads is None or not reads.used or not outage.is_database_unavailable(exception):
            return None
        failed = [alias for alias in reads.used if not connections[alias].is_usable()]
        if not failed:
            return None  # the primary failed: crm/outage.py answers
        for alias in failed:
            mark_replica_down(alias)
        reads.replica_allowed = False
        reads.replica = None
        reads.used.clear()
        match = request.resolver_match
        if match is None:
            return None
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
