"""Links on the rows of a long list, from one reverse() per URL name.

A tab or a page of 25-50 rows with two or three links each would cost a reverse() or a
{% url %} per link, which is most of such a page's rendering time: instead each name is
reversed once with a marker for the last argument and the rows' URLs are filled in
around it.
"""

from collections.abc import Callable

from django.urls import reverse

# Larger than any key a row will have, and as a number valid for every <int:…> path.
_MARKER = "2147483647"


def url_for(name: str, *args) -> Callable[[object], str]:
    """``name``'s URL as a function of its last argument (``args`` are the ones before
    it), from one reverse()."""
    head, _, tail = reverse(name, args=[*args, int(_MARKER)]).rpartition(_MARKER)
    return lambda key: f"{head}{key}{tail}"


def add_row_urls(rows, **urls) -> None:
    """Give each row the attribute ``attr`` for each ``attr=spec``: the URL ``spec`` (a URL
    name, or a function from :func:`url_for`) for the row's pk, or with ``spec`` a pair
    ``(name or function, field)``, for the row's ``field`` (``"contact_id"``)."""
    makers = []
    for attr, spec in urls.items():
        target, field = (spec, "pk") if isinstance(spec, str) or callable(spec) else spec
        makers.append((attr, url_for(target) if isinstance(target, str) else target, field))
    for row in rows:
        for attr, url, field in makers:
            setattr(row, attr, url(getattr(row, field)))
