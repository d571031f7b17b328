"""What each user opened lately (contact cards, company pages), for their start page.

A detail view calls :func:`record_view`; an app reads its own kind back with
:func:`recently_viewed`. Each user sees only their own list."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone

from .models import RecentlyViewed

KEEP = 20
# Opening the page a user has just recorded again within this many seconds (a reload, a
# return from an edit, a tab opened as a whole page) changes nothing worth a write: the
# page is already on top of their list. Kept in the cache, shared by every web server.
SAME_PAGE_SECONDS = 60


def _last_key(user) -> str:
    return f"recently_viewed:last:{user.pk}"


def record_view(*, user, obj: models.Model) -> None:
    """Mark ``obj`` as just viewed by ``user`` and forget all but the newest ``KEEP``, in
    one statement: the upsert runs in a CTE, and the
    DELETE, which sees the rows as they were before it, spares the upserted row. Skipped
    when ``obj`` is already the newest on the list (``SAME_PAGE_SECONDS``)."""
    if not user.is_authenticated:
        return
    content_type = ContentType.objects.get_for_model(obj)
    last = f"{content_type.pk}:{obj.pk}"
    if cache.get(_last_key(user)) == last:
        return
    table = connection.ops.quote_name(RecentlyViewed._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # A view lost in a crash costs nothing; waiting for the disk cost the card ~15 ms.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            f"""
            WITH up AS (
                INSERT INTO {table} (user_id, content_type_id, object_id, viewed_at)
                VALUES (%(user)s, %(type)s, %(id)s, %(now)s)
                ON CONFLICT (user_id, content_type_id, object_id)
                DO UPDATE SET viewed_at = EXCLUDED.viewed_at
                RETURNING id
            )
            DELETE FROM {table}
            WHERE user_id = %(user)s
              AND id NOT IN (SELECT id FROM up)
              AND id NOT IN (
                  SELECT id FROM {table} WHERE user_id = %(user)s
                  ORDER BY viewed_at DESC, id DESC LIMIT %(others)s
              )
            """,
            {
                "user": user.pk,
                "type": content_type.pk,
                "id": obj.pk,
                "now": timezone.now(),
                "others": KEEP - 1,
            },
        )
    cache.set(_last_key(user), last, SAME_PAGE_SECONDS)


def recently_viewed(*, user, model: type[models.Model], limit: int = 10) -> list:
    """The ``model`` rows ``user`` viewed lately, newest first (two queries, both on the
    user's own short list); rows deleted since are left out."""
    if not user.is_authenticated:
        return []
    ids = list(
        RecentlyViewed.objects.filter(
            user=user, content_type=ContentType.objects.get_for_model(model)
        )
        .order_by("-viewed_at", "-id")
        .values_list("object_id", flat=True)[:limit]
    )
    found = model._default_manager.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
