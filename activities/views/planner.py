"""The Planner: the appointments of one or several users side by side, a week or a day."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.access import crm_view
from crm.user_picker import crm_users

from .. import calendar, selectors
from ..forms import local_datetime


def shown_users(request, users) -> list:
    """The users whose calendars are asked for (?user=…, repeatable), in the list's
    order; the signed-in user when none of them is a CRM user."""
    asked = {value for value in request.GET.getlist("user") if value.isdigit()}
    shown = [u for u in users if str(u.pk) in asked][: calendar.MAX_USERS]
    return shown or [request.user]


@require_GET
@crm_view
def planner(request):
    users = list(crm_users())
    shown = shown_users(request, users)
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    grid = calendar.PlannerGrid(day=day, view=view, users=shown)
    appointments = selectors.planner_appointments_of(
        users=shown,
        start=local_datetime(grid.first, dt.time(0)),
        end=local_datetime(grid.last + dt.timedelta(days=1), dt.time(0)),
    )
    grid.place(appointments, belongs=lambda appointment: appointment.user_ids)
    shown_ids = [u.pk for u in shown]

    def link(**changes):
        params = {"view": view, "date": day.isoformat(), **changes}
        return "?" + urlencode([*params.items(), *(("user", pk) for pk in shown_ids)])

    return render(
        request,
        "activities/planner.html",
        {
            "grid": grid,
            "users": users,
            "shown_users": shown,
            "shown_ids": shown_ids,
            "view": view,
            "prev_url": link(date=grid.previous.isoformat()),
            "next_url": link(date=grid.following.isoformat()),
            "today_url": link(date=timezone.localdate().isoformat()),
            "week_url": link(view="week"),
            "day_url": link(view="day"),
            "user_query": urlencode([("user", pk) for pk in shown_ids]),
            "here": request.get_full_path(),
        },
    )
