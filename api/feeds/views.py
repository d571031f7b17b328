"""The feeds themselves (no session: the address is the key; a wrong or renewed one is
404), and the user's «Lag ny lenke» / «Slå av»."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from crm.access import crm_view, has_crm_access
from crm.next_url import next_url

from . import ics, selectors, services


def _user_of(token: str):
    feed = selectors.feed_for_token(token)
    if feed is None or not has_crm_access(feed.user):
        raise Http404
    return feed.user


def _calendar(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def feed_appointments(request, token: str):
    user = _user_of(token)
    body = ics.appointments_ics(
        selectors.feed_appointments(user=user),
        name=_("CRM appointments"),
        host=request.get_host(),
    )
    return _calendar(body, "avtaler.ics")


@require_GET
def feed_tasks(request, token: str):
    user = _user_of(token)
    body = ics.tasks_ics(
        selectors.feed_tasks(user=user), name=_("CRM tasks"), host=request.get_host()
    )
    return _calendar(body, "oppgaver.ics")


@never_cache
@require_POST
@crm_view
def feed_renew(request):
    services.feed_renew(user=request.user)
    messages.success(
        request, _("Your calendar feeds have a new address. The old address no longer works.")
    )
    return redirect(next_url(request, reverse("tokens:list")))


@require_POST
@crm_view
def feed_stop(request):
    services.feed_stop(user=request.user)
    messages.success(request, _("Your calendar feeds are turned off."))
    return redirect(next_url(request, reverse("tokens:list")))
