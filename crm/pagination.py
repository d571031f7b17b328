"""Pagination that costs one query a page."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window


def page_with_total(queryset, number, per_page: int) -> Page:
    """The page ``number`` of ``queryset`` as Paginator.get_page() gives it, in one query:
    the total rides along as ``COUNT(*) OVER ()``, so the pager keeps «Page n of m
    (x in all)» without a separate COUNT. Only a page past the end costs the old way."""
    paginator = Paginator(queryset, per_page)
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    bottom = (number - 1) * per_page
    rows = list(queryset.annotate(page_total=Window(Count("*")))[bottom : bottom + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)
    # Paginator.count is a cached property: give it the total the rows carried.
    paginator.__dict__["count"] = rows[0].page_total if rows else 0
    return Page(rows, number, paginator)
