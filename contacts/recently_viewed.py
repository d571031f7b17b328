"""What each user opened lately (contact cards, company pages), for their start page.

A detail view calls :func:`record_view`; an app reads its own kind back with
:func:`recently_viewed`. Each user sees only their own list."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from .models import RecentlyViewed

KEEP = 20


def record_view(*, user, obj: models.Model) -> None:
    """Mark ``obj`` as just viewed by ``user`` and forget all but the newest ``KEEP``, in
    one statement: the upsert runs in a CTE, and the
    DELETE, which sees the rows as they were before it, spares the upserted row."""
    if not user.is_authenticated:
        return
    table = connection.ops.quote_name(RecentlyViewed._meta.db_table)
    content_type = ContentType.objects.get_for_model(obj)
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
