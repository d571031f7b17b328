"""The History tab of the contact card and of the company page (registered in apps.py;
see crm/tabs.py)."""

from itertools import groupby
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from crm.pagination import page_without_total

from . import selectors
from .forms import HistoryFilterForm
from .verbs import actor_name, render, verb_action

PAGE_SIZE = 50


def history_tab_context(request, contact) -> dict:
    url = reverse("contacts:tab", args=[contact.pk, "history"])
    return _tab_context(request, url, contact=contact)


def company_history_tab_context(request, company) -> dict:
    url = reverse("companies:tab", args=[company.pk, "history"])
    return _tab_context(request, url, company=company)


def _tab_context(request, url: str, **owner) -> dict:
    form = HistoryFilterForm(request.GET or None)
    date_from = date_to = None
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    filtered = form.is_bound and form.is_valid() and bool(date_from or date_to)
    if form.is_bound and not form.is_valid():
        # A bad range shows its message and no entries, rather than everything.
        page, days = None, []
    else:
        entries = selectors.timeline(
            **owner, viewer=request.user, date_from=date_from, date_to=date_to
        )
        # No total: counting 20,000 entries would cost more than showing 50 of them.
        page = page_without_total(entries, request.GET.get("page"), PAGE_SIZE)
        rows = []
        for entry in page.object_list:
            when = timezone.localtime(entry.occurred_at)
            rows.append(
                {
                    "entry": entry,
                    "when": when,
                    # Formatted here: the |date and |time filters cost per row.
                    "when_iso": when.isoformat(),
                    "when_time": f"{when.hour:02d}:{when.minute:02d}",
                    "actor": actor_name(entry),
                    "sentence": render(entry),
                    "action": verb_action(entry, request.user),
                }
            )
        days = [
            {"day": day, "rows": list(group)}
            for day, group in groupby(rows, key=lambda row: row["when"].date())
        ]
    keep = {key: request.GET[key] for key in ("date_from", "date_to") if request.GET.get(key)}
    return {
        "history_form": form,
        "history_page": page,
        "history_days": days,
        "history_filtered": filtered,
        "history_query": urlencode(keep),
        "history_url": url,
    }
