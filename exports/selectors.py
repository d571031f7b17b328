"""Which rows an export writes: the search panel's hits, a selection, or all the contacts
or companies. What each row holds is in ``rows.py``; the spreadsheet's text columns in
``text_columns.py``; every contact at once in ``all_contacts.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from companies.models import Company
from contacts.models import Contact
from crm.params import as_id
from search.selectors import search_all

# Ids a selection may name (ten pages of hits, checked by hand, is far less).
MAX_SELECTION = 10_000
KINDS = ("contact", "company")


@dataclass
class Export:
    kind: str  # "contact" or "company"
    queryset: QuerySet


def export_queryset(*, scope: str, params, user) -> Export | None:
    """Which rows: ``scope`` "search" (the panel's parameters in ``params``, as the hit
    list reads them), "selection" (``id`` values) or "all" (``kind``). None when the
    request names nothing to export."""
    kind = params.get("kind") if params.get("kind") in KINDS else "contact"
    model = Company if kind == "company" else Contact
    if scope == "search":
        found = search_all(params=params, user=user)
        if found is None:
            return None
        kind, queryset = found
        return Export(kind=kind, queryset=queryset.order_by("sort_key", "id"))
    if scope == "selection":
        ids = _ids(params.getlist("id"))
        if not ids:
            return None
        return Export(
            kind=kind, queryset=model.objects.filter(pk__in=ids).order_by("sort_key", "id")
        )
    if scope == "all":
        # In the order they were registered: the rows of the e-mail, link and category
        # tables then lie in the order they are read, and a million rows stream three
        # times as fast as in name order (a random read per row). A search or a selection
        # comes in name order, as on the screen.
        return Export(kind=kind, queryset=model.objects.order_by("id"))
    return None


def _ids(values) -> list[int]:
    return [pk for pk in map(as_id, values[:MAX_SELECTION]) if pk is not None]
