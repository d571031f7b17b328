"""What the calendar feeds' block (templates/api/partials/calendar_feeds.html) shows.
Pages show it with ``{% load calendar_feeds %}{% calendar_feeds %}``
(api/templatetags/calendar_feeds.py); a view in the API app may instead put
``calendar_feed_context(request)`` in its context and include the partial."""

from django.urls import reverse

from .selectors import feed_of
from .services import feed_token


def calendar_feed_context(request) -> dict:
    feed = feed_of(user=request.user)
    if feed is None:
        return {"calendar_feed": None}
    token = feed_token(feed.nonce)
    return {
        "calendar_feed": feed,
        "calendar_feed_appointments_url": request.build_absolute_uri(
            reverse("tokens:feed_appointments", args=[token])
        ),
        "calendar_feed_tasks_url": request.build_absolute_uri(
            reverse("tokens:feed_tasks", args=[token])
        ),
    }
