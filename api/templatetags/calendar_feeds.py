"""``{% load calendar_feeds %}{% calendar_feeds %}``: the user's calendar feed block on
any page (the «API-nøkler» page, «Min konto»), with no import of the API app in the
page's view — a template tag is looked up by name, so a lower app's page may show it
and tests/test_import_direction.py stays content. «Lag ny lenke» returns to the page."""

from django import template

from ..feeds.context import calendar_feed_context

register = template.Library()


@register.inclusion_tag("api/partials/calendar_feeds.html", takes_context=True)
def calendar_feeds(context):
    request = context["request"]
    return {
        **calendar_feed_context(request),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
