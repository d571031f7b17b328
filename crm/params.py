"""Numbers, ids and search words read from a query string or a posted form, one way:
through Django's form fields.

Not ``value.isdigit()`` and ``int(value)``: ``"²".isdigit()`` is true and ``int("²")``
raises, and a 20-digit number is a Python int that PostgreSQL's bigint cannot hold (an
OFFSET or a key past it is an error in the database). Not a raw string either when it
goes to the database: PostgreSQL text cannot hold a NUL character, and psycopg raises on
one. ``forms.IntegerField`` and ``forms.CharField`` refuse all of these as invalid input.

Each reader takes the QueryDict (``request.GET`` or ``request.POST``) and a name.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

# Every primary key here is a bigint (DEFAULT_AUTO_FIELD = BigAutoField).
MAX_ID = 2**63 - 1
# Far past any real last page, and small enough that (page - 1) × page size stays a
# bigint OFFSET for any page size up to a million.
MAX_PAGE = 2**31 - 1

_id_field = forms.IntegerField(min_value=1, max_value=MAX_ID)
_number_field = forms.IntegerField(required=False)


def as_int(value) -> int | None:
    """``value`` as a whole number, or None when it is none (or nothing)."""
    try:
        return _number_field.clean(value)
    except ValidationError:
        return None


def as_id(value) -> int | None:
    """``value`` as a primary key, or None when it cannot be one."""
    try:
        return _id_field.clean(value)
    except ValidationError:
        return None


def id_param(data, name: str) -> int | None:
    """The id in ``data[name]``; None when the parameter is absent or empty.

    A value that cannot be an id names no object: 404, as an unknown id does.
    """
    value = data.get(name)
    if value in (None, ""):
        return None
    pk = as_id(value)
    if pk is None:
        raise Http404
    return pk


def id_filter(data, name: str) -> int | None:
    """The id in ``data[name]`` for a filter or a choice that has a default: None when
    absent or not an id, so a crafted value means «no filter»."""
    return as_id(data.get(name))


def ids(values) -> list[int]:
    """The values that are ids (e.g. ``data.getlist(name)``); the others are dropped."""
    return [pk for pk in map(as_id, values) if pk is not None]


def page_number(value) -> int:
    """A page number from the URL: 1 for junk, nothing or anything below 1; at most
    ``MAX_PAGE`` (the pagers then clamp a page past the end to the last one)."""
    number = as_int(value)
    if number is None:
        return 1
    return min(max(number, 1), MAX_PAGE)


def text_param(data, name: str, *, max_length: int) -> str:
    """A search word from ``data[name]``, stripped and cut to ``max_length``; empty
    when it holds a character the database cannot compare (NUL)."""
    value = data.get(name) or ""
    try:
        return forms.CharField(required=False).clean(value)[:max_length]
    except ValidationError:
        return ""
