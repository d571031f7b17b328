"""What the activity lists share: their page size and the status filter (the tab lists in
activities/tabs.py, the project list, a group's tasks)."""

from __future__ import annotations

from urllib.parse import urlencode

from crm.pagination import page_of

PAGE_SIZE = 25


def status_filter(request, choices) -> tuple[list[str], str]:
    """The statuses ticked in the filter (default: the open ones) and the query string that
    keeps them across pages. ``f=1`` marks a submitted filter, so «none ticked» means all."""
    valid = {value for value, _label in choices.choices}
    if "status" in request.GET or request.GET.get("f"):
        selected = [s for s in request.GET.getlist("status") if s in valid]
    else:
        selected = list(choices.open_values())
    query = urlencode([("f", "1"), *(("status", s) for s in selected)])
    return selected, query


def page(request, queryset):
    return page_of(queryset, request.GET.get("page"), PAGE_SIZE)
