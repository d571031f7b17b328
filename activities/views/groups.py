"""User groups and a group's shared tasks (the group calendar)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.access import crm_view
from crm.params import id_filter

from .. import calendar, selectors
from ..models import TaskStatus
from . import lists


@require_GET
@crm_view
def group_list(request):
    from django.contrib.auth.models import Group

    groups = Group.objects.order_by("name")
    return render(request, "activities/group_list.html", {"groups": groups})


@require_GET
@crm_view
def group_tasks(request, pk: int):
    group = selectors.group_for_page(pk=pk)
    members = selectors.group_members(group=group)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    first = day - dt.timedelta(days=day.weekday())
    week = calendar.GroupWeek(
        day=day,
        members=members,
        tasks=selectors.group_week_tasks(
            group=group, first=first, last=first + dt.timedelta(days=6)
        ),
    )
    selected, _query = lists.status_filter(request, TaskStatus)
    assignee_id = id_filter(request.GET, "assignee")
    tasks = selectors.group_tasks(group=group, assignee_id=assignee_id, statuses=selected)
    page = lists.page(request, tasks)
    query = urlencode(
        [("f", "1"), *(("status", s) for s in selected)]
        + ([("assignee", assignee_id)] if assignee_id else [])
    )
    return render(
        request,
        "activities/group_tasks.html",
        {
            "group": group,
            "page_obj": page,
            "members": members,
            "week": week,
            "assignee_id": assignee_id,
            "statuses": TaskStatus.choices,
            "selected_statuses": selected,
            "filter_query": query,
            "today": timezone.localdate(),
            "here": request.get_full_path(),
        },
    )
