"""Pagination that costs one query a page.

Every pager takes the page number as the URL gives it (a string, or None) and reads it
with :func:`crm.params.page_number`: junk and numbers below 1 give the first page, a
number past the end gives the last page.
"""

from math import ceil

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

from .params import page_number


def page_of(queryset, number, per_page: int) -> Page:
    """The page ``number`` of ``queryset`` through Django's Paginator (a COUNT, then the
    rows), for lists short enough that the count costs nothing."""
    return Paginator(queryset, per_page).get_page(page_number(number))


def page_with_total(queryset, number, per_page: int) -> Page:
    """The page ``number`` of ``queryset`` as Paginator.get_page() gives it, in one query:
    the total rides along as ``COUNT(*) OVER ()``, so the pager keeps «Page n of m
    (x in all)» without a separate COUNT. Only a page past the end costs the old way."""
    paginator = Paginator(queryset, per_page)
    number = page_number(number)
    bottom = (number - 1) * per_page
    rows = list(queryset.annotate(page_total=Window(Count("*")))[bottom : bottom + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)
    # Paginator.count is a cached property: give it the total the rows carried (from
    # a values() query, as a key, which is then taken out of each row).
    if rows and isinstance(rows[0], dict):
        paginator.__dict__["count"] = rows[0]["page_total"]
        for row in rows:
            del row["page_total"]
    else:
        paginator.__dict__["count"] = rows[0].page_total if rows else 0
    return Page(rows, number, paginator)


class SimplePage:
    """A page that knows whether there is a next one, but not how many there are: for
    long timelines, where counting every row would cost more than showing a page."""

    def __init__(self, rows: list, number: int, per_page: int):
        self.number = number
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)


def page_without_total(queryset, number, per_page: int) -> SimplePage:
    """The page ``number`` of ``queryset`` by fetching one row more than it shows. Only a
    page past the end costs a COUNT, to show the last page instead."""
    number = page_number(number)
    bottom = (number - 1) * per_page
    rows = list(queryset[bottom : bottom + per_page + 1])
    if not rows and number > 1:
        number = max(1, ceil(queryset.count() / per_page))
        bottom = (number - 1) * per_page
        rows = list(queryset[bottom : bottom + per_page + 1])
    return SimplePage(rows, number, per_page)


def page_of_rows(rows: list, total: int, number: int, per_page: int) -> Page:
    """A page of rows fetched by hand (raw SQL with LIMIT/OFFSET and the total beside
    them), shaped as Paginator.get_page() gives it, for the same pager."""
    paginator = Paginator([], per_page)
    paginator.__dict__["count"] = total
    return Page(rows, number, paginator)
