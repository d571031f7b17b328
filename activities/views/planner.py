"""The Planner: one user's appointments, a week or a day at a time."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.access import crm_view
from crm.params import id_filter
from crm.user_picker import crm_users

from .. import calendar, selectors
from ..forms import local_datetime


@require_GET
@crm_view
def planner(request):
    users = list(crm_users())
    user_id = id_filter(request.GET, "user")
    shown = next((u for u in users if u.pk == user_id), None) or request.user
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    grid = calendar.PlannerGrid(day=day, view=view)
    appointments = selectors.planner_appointments(
        user=shown,
        start=local_datetime(grid.first, dt.time(0)),
        end=local_datetime(grid.last + dt.timedelta(days=1), dt.time(0)),
    )
    grid.place(appointments)

    def link(**changes):
        params = {"view": view, "date": day.isoformat(), "user": shown.pk, **changes}
        return "?" + urlencode(params)

    return render(
        request,
        "activities/planner.html",
        {
            "grid": grid,
            "users": users,
            "shown_user": shown,
            "view": view,
            "prev_url": link(date=grid.previous.isoformat()),
            "next_url": link(date=grid.following.isoformat()),
            "today_url": link(date=timezone.localdate().isoformat()),
            "week_url": link(view="week"),
            "day_url": link(view="day"),
            "here": request.get_full_path(),
        },
    )
