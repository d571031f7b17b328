"""Tabs on a detail page (the contact card, a company page, a project page).

Each feature app keeps its tabs' context builders in its own ``tabs.py`` and registers
them from its ``AppConfig.ready()``, so the card shows only the tabs whose feature exists
and no app edits another's template::

    from contacts.tabs import card_tabs
    card_tabs.register(Tab(
        slug="notes", label=_("Notes"), template="activities/partials/notes_tab.html",
        context=tabs.contact_notes_tab_context,  # (request, contact, **overrides) -> dict
    ))

A view that answers with a tab it has just acted on hands that tab what it knows through
``render_context(request, obj, slug, **overrides)``: the overrides go to the tab's
``context`` as keyword arguments, e.g. ``note_form=form`` so the notes tab shows a refused
note with its errors instead of an empty form. A builder names the keywords it takes; a
tab given one it does not take fails loudly (TypeError) rather than ignoring it.

The page renders ``{% include tab.template %}`` inside its ``tab-panel`` partial: on an
htmx request only that fragment is sent (``wants_panel_only``), otherwise the whole page
with the tab open. The strip and the panel are shared templates,
``crm/partials/tab_strip.html`` and ``crm/partials/tab_panel.html``; ``static/js/tabs.js``
keeps the strip's mark on the tab the panel shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Expression, F, Func, Subquery
from django.http import Http404, HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    slug: str
    label: Any  # a lazy translation
    template: str
    # (request, obj, **overrides) -> the template's context; see the module's docstring.
    context: Callable[..., dict] = field(default=lambda request, obj, **overrides: {})
    # (request, pk) -> an expression for how many rows the tab holds for the object with
    # that pk, shown beside its label («Notater 12»): a COUNT subquery. A page's selector
    # may fold them into its own query of the object (``count_annotations``); otherwise the
    # strip reads them all in one query, only when it is drawn. Either way the expression
    # stands in a query of the object itself, so it may correlate with the object's row
    # (``OuterRef("pk")``) instead of naming ``pk``: one that then depends on nothing of the
    # request is built once (``functools.cache``), as building costs more than running.
    count: Callable[[HttpRequest, Any], Expression] | None = None


def count_name(slug: str) -> str:
    return f"tab_count_{slug}"


def count_subquery(queryset) -> Subquery:
    """``queryset``'s row count as an expression, for a ``Tab.count``."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    )


class _StripTab:
    """A tab as the strip draws it: the tab's fields plus ``count``, read from the object
    when its selector brought the counts along, else from one query for all of them, run
    on first use so a panel-only answer (which draws no strip) runs none."""

    def __init__(self, tab: Tab, counts: Callable[[], dict], url: str):
        self._tab, self._counts = tab, counts
        self.slug, self.label, self.template, self.url = tab.slug, tab.label, tab.template, url

    @cached_property
    def count(self) -> int | None:
        return self._counts().get(count_name(self.slug)) if self._tab.count else None


class TabSet:
    """An ordered set of tabs. ``order`` fixes where known slugs stand, whatever the
    order in which apps happen to register them."""

    def __init__(self, order: list[str], url_name: str):
        """``url_name``: the URL of one tab, taking (the object's pk, the tab's slug)."""
        self.order = order
        self.url_name = url_name
        self._tabs: dict[str, Tab] = {}

    def register(self, tab: Tab) -> None:
        self._tabs[tab.slug] = tab

    def __iter__(self):
        rank = {slug: i for i, slug in enumerate(self.order)}
        return iter(sorted(self._tabs.values(), key=lambda t: rank.get(t.slug, len(rank))))

    def __len__(self):
        return len(self._tabs)

    def get(self, slug: str | None) -> Tab:
        if slug is None:
            first = next(iter(self), None)
            if first is None:
                raise Http404
            return first
        try:
            return self._tabs[slug]
        except KeyError:
            raise Http404 from None

    def count_annotations(self, request: HttpRequest, pk) -> dict[str, Expression]:
        """The tabs' counts as annotations for the page's own query of its object."""
        return {count_name(t.slug): t.count(request, pk) for t in self if t.count}

    def _counts(self, request: HttpRequest, obj) -> Callable[[], dict]:
        found: dict = {}

        def counts() -> dict:
            if not found:
                # The names alone first: building the expressions costs milliseconds, and
                # the page's selector has usually brought the counts along already.
                names = [count_name(t.slug) for t in self if t.count]
                if all(hasattr(obj, name) for name in names):
                    found.update({name: getattr(obj, name) for name in names})
                elif names:
                    annotations = self.count_annotations(request, obj.pk)
                    rows = type(obj)._default_manager.filter(pk=obj.pk).values(**annotations)
                    found.update(rows.first() or {})
            return found

        return counts

    def render_context(self, request: HttpRequest, obj, slug: str | None, **overrides) -> dict:
        tab = self.get(slug)
        counts = self._counts(request, obj)
        # One reverse() for the strip, not one per tab: «-» stands in for the slug.
        prefix = reverse(self.url_name, args=[obj.pk, "-"]).removesuffix("-/")
        return {
            "tabs": [_StripTab(t, counts, f"{prefix}{t.slug}/") for t in self],
            "active_tab": tab,
            **tab.context(request, obj, **overrides),
        }


# The response of a tab URL depends on these request headers: list them in `Vary`.
TAB_VARY_HEADERS = ("HX-Request", "HX-History-Restore-Request")


def wants_panel_only(request: HttpRequest, slug: str | None) -> bool:
    """An htmx tab switch gets the panel alone. htmx also sends HX-Request when it asks for
    a page missing from its history cache (back/forward), and swaps the answer in for the
    whole body: that request, like a first visit, gets the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request and slug is not None
