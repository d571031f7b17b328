"""Reads for the calendar feeds."""

import datetime as dt
import hmac

from django.db.models import Q
from django.utils import timezone

from activities.models import Appointment, Task, TaskStatus

from ..models import CalendarFeed
from .services import feed_digest, feed_token

# A calendar client fetches the whole feed each time (every hour or so): half a year back
# and everything ahead, at most this many rows, keeps the answer small.
APPOINTMENTS_BACK = dt.timedelta(days=183)
FEED_LIMIT = 2000


def feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose address carries ``token``, with its user (None: unknown or
    renewed since, or the user may no longer use the CRM)."""
    if not token or len(token) > 100:
        return None
    digest = feed_digest(token)
    feed = CalendarFeed.objects.select_related("user").filter(digest=digest).first()
    if feed is None or not hmac.compare_digest(feed_token(feed.nonce), token):
        return None
    return feed


def feed_appointments(*, user) -> list[Appointment]:
    """The user's appointments (owned or taking part, as the Planner has «mine»)."""
    ids = Appointment.participants.through.objects.filter(user_id=user.pk).values("appointment_id")
    return list(
        Appointment.objects.filter(Q(owner=user) | Q(pk__in=ids))
        .filter(end_at__gte=timezone.now() - APPOINTMENTS_BACK)
        .order_by("start_at", "id")[:FEED_LIMIT]
    )


def feed_tasks(*, user) -> list[Task]:
    """The user's open tasks (assigned to them)."""
    return list(
        Task.objects.filter(assignee=user, status__in=TaskStatus.open_values()).order_by(
            "due_date", "due_time", "id"
        )[:FEED_LIMIT]
    )
