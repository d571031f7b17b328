"""Cursor pagination: keyset on (sort key, id), stable under inserts and deletes.

A cursor is the (sort key, id) of the last row handed out, base64url-encoded JSON; the next
page is the rows after it in that order. A row inserted meanwhile appears in its place
(before the cursor: not on a later page; after it: on one), and no row is handed out twice
or skipped, as an offset would when rows are added in front of it. The first condition
(``key >= last``) is what the ``(key, id)`` btree answers; the second picks the rows after
the cursor within one key.
"""

import base64
import binascii
import json

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja.errors import HttpError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode(key, pk: int) -> str:
    raw = json.dumps([key, pk], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None) -> tuple | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, pk = json.loads(raw)
    except (ValueError, TypeError, binascii.Error):
        raise HttpError(400, _("The cursor is not valid.")) from None
    # No cursor this API hands out holds a list, an object or a NUL (which no text column
    # can hold: PostgreSQL would refuse the comparison).
    if not isinstance(pk, int) or isinstance(key, list | dict) or "\x00" in str(key):
        raise HttpError(400, _("The cursor is not valid."))
    return key, pk


def after(key_field: str, cursor: tuple | None) -> Q:
    if cursor is None:
        return Q()
    key, pk = cursor
    if key_field == "pk":
        return Q(pk__gt=pk)
    if key is None:
        return Q(**{f"{key_field}__isnull": True, "pk__gt": pk})
    return Q(**{f"{key_field}__gte": key}) & (
        Q(**{f"{key_field}__gt": key}) | Q(**{key_field: key, "pk__gt": pk})
    )


def clamp(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def window(cursor: str | None, limit: int) -> tuple:
    """(the cursor's (key, id) or None, how many rows the page's walk reads): the slice
    :func:`page` will read, for a plan that reads that slice alone."""
    return decode(cursor), clamp(limit) + 1


def page(queryset, *, cursor: str | None, limit: int, key_field: str = "pk", reads=None):
    """(rows, next cursor or None): the rows of ``queryset`` after ``cursor`` in (key, id)
    order, at most ``limit``. ``reads`` turns the walk (a sliced queryset) into the rows to
    hand out, e.g. the ids walked index-only, then their rows read by key with what the
    answer shows."""
    limit = clamp(limit)
    ordering = ("pk",) if key_field == "pk" else (key_field, "pk")
    walk = queryset.filter(after(key_field, decode(cursor))).order_by(*ordering)[: limit + 1]
    rows = list(reads(walk).order_by(*ordering) if reads else walk)
    more = len(rows) > limit
    rows = rows[:limit]
    following = None
    if more:
        last = rows[-1]
        following = encode(None if key_field == "pk" else getattr(last, key_field), last.pk)
    return rows, following
