"""The card's «Aktivitet» tab: notes, appointments, tasks, e-mails and orders of a contact in
one time line, newest first, paged.

Each app registers a *timeline source* from its ``AppConfig.ready()`` (so contacts names no
feature app)::

    from contacts.activity import TimelineEntry, register_timeline_source
    register_timeline_source("notes", notes_source)  # (request, contact, limit) -> entries

A source reads through the app's own selectors, so its privacy rules hold (others' private
notes never; locked e-mail for administrators alone), and answers with at most ``limit``
of its newest entries in one query. Page *n* asks each source for ``n × PAGE_SIZE`` rows,
merges them and shows the slice: one query per source, whatever the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

PAGE_SIZE = 20
# Deeper pages would make every source read ever more rows: the tabs of each kind page on.
MAX_PAGES = 10


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # the source's name, e.g. "notes"; a CSS hook and the icon's key
    icon: str  # a Bootstrap icon name, e.g. "bi-journal-text"
    label: str  # what kind of thing it is («Notat», «Avtale»…), translated
    when: dt.datetime | dt.date
    title: str
    url: str = ""
    detail: str = ""  # a short second line (an excerpt, a status, an amount)

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)

    @property
    def sort_key(self) -> dt.datetime:
        when = self.when
        if not isinstance(when, dt.datetime):
            when = timezone.make_aware(dt.datetime.combine(when, dt.time.max))
        return when


Source = Callable[[HttpRequest, object, int], Iterable[TimelineEntry]]
_sources: dict[str, Source] = {}


def register_timeline_source(name: str, source: Source) -> None:
    _sources[name] = source


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGES)


def activity_tab_context(request: HttpRequest, contact) -> dict:
    number = _page_number(request)
    wanted = number * PAGE_SIZE + 1  # one more tells whether a next page exists
    entries = sorted(
        (entry for source in _sources.values() for entry in source(request, contact, wanted)),
        key=lambda e: e.sort_key,
        reverse=True,
    )
    start = (number - 1) * PAGE_SIZE
    shown = entries[start : start + PAGE_SIZE]
    return {
        "entries": shown,
        "activity_page": number,
        "activity_has_next": len(entries) > start + PAGE_SIZE and number < MAX_PAGES,
        "activity_url": reverse("contacts:tab", args=[contact.pk, "activity"]),
    }
