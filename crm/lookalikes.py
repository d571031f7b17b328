"""Lookalikes: existing records that resemble the one being entered (issue 18).

The «Ny kontakt» and «Ny kunde» forms belong to contacts and companies, which know no
feature app; the duplicates app registers, from its ``AppConfig.ready()``, how to find
the lookalikes of a form's data and the URL the form asks while the user types::

    register_lookalike_finder("contact", contact_lookalikes, check_url="duplicates:check_contact")

A form view calls :func:`lookalikes` before saving; with no finder registered it finds
nothing and the form saves as before.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

# Set on the «Lagre likevel» button: the user has seen the lookalikes and saves anyway.
CONFIRM_FIELD = "save_anyway"


@dataclass(frozen=True)
class _Finder:
    find: Callable[[dict], list]
    check_url: str


_finders: dict[str, _Finder] = {}


def register_lookalike_finder(kind: str, find: Callable[[dict], list], *, check_url: str) -> None:
    """``find(cleaned_data) -> [candidate, …]``; a candidate has ``url``, ``label`` and
    ``reasons`` (the signals it matched, in words)."""
    _finders[kind] = _Finder(find, check_url)


def lookalikes(kind: str, data: dict) -> list:
    finder = _finders.get(kind)
    return finder.find(data) if finder else []


def check_url(kind: str) -> str:
    """The URL the form's fields post to while typing ("" when no finder is registered)."""
    finder = _finders.get(kind)
    return reverse(finder.check_url) if finder else ""


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"
