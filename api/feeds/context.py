"""The calendar feeds' block for any page that shows them (the «API-nøkler» page now,
«Min konto» when it comes): ``{% include "api/partials/calendar_feeds.html" %}`` with
``calendar_feed_context(request)`` in the page's context."""

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
