"""The one picker: contacts, companies, users or files chosen by searching for them.

What is chosen is shown as removable chips above the search field, each chip carrying a
hidden input named after the form field (``contacts``, ``company``, ``file``), so the
choice is posted with the form whatever the search field shows now, and a form that is
shown again (an error, a search without JavaScript) shows the same chips.

The page: ``{% include "crm/partials/picker.html" with picker=… %}``; the behaviour:
``static/js/picker.js`` (delegated handlers, no inline script); the results of a search:
a view that renders ``picker.options_template`` for ``request.GET[picker.query_name]``.

Without JavaScript, the search button posts the whole form with ``picker_search`` set;
the view shows the form again with the results of that search as checkboxes (radio
buttons for a single choice) under the chips, nothing saved and no errors shown. A chip
then has a «Fjern» checkbox instead of its × button: ``<name>_unpick``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import Promise

from .params import ids, text_param

SEARCH = "picker_search"
MAX_TERM = 100


@dataclass
class Picker:
    name: str  # the form field the chips post, one id each
    label: str | Promise
    search_label: str | Promise
    search_url: str
    query_name: str  # the search word's parameter
    chosen: list = field(default_factory=list)  # objects: .pk and str()
    multiple: bool = True
    term: str = ""
    results: list | None = None  # found by a search posted without JavaScript
    options_template: str = "crm/partials/picker_options.html"
    errors: list = field(default_factory=list)
    none_found: str | Promise = ""  # said when a search of 2+ letters finds nothing
    filters: list = field(default_factory=list)  # dicts: name, label, choices, selected

    @property
    def id(self) -> str:
        return f"picker-{self.name}"


def unpicked_removed(data: QueryDict, *names: str, single: tuple[str, ...] = ()) -> QueryDict:
    """``data`` without the ids whose chips were marked «Fjern» (no JavaScript); for a
    single-choice picker in ``single``, only the last value (a result ticked below the
    chip replaces it). ``data`` itself is left alone."""
    data = data.copy()
    for name in names:
        dropped = set(ids(data.getlist(f"{name}_unpick")))
        values = [v for v in data.getlist(name) if not (ids([v]) and ids([v])[0] in dropped)]
        if name in single:
            values = values[-1:]
        data.setlist(name, values)
    return data


def chosen_ids(data: QueryDict, name: str) -> list[int]:
    """The ids posted for ``name``, in order, each once."""
    return list(dict.fromkeys(ids(data.getlist(name))))


def searching(data: QueryDict) -> str | None:
    """The name of the picker whose search button sent a form without JavaScript."""
    return data.get(SEARCH) or None


def term(data: QueryDict, picker: Picker) -> str:
    return text_param(data, picker.query_name, max_length=MAX_TERM)


def hush(form) -> None:
    """Show the bound ``form`` again without validating it: the user asked for a search
    (no JavaScript), not to save, and has not finished the form. Its fields still show
    what was posted. (Rendering a bound form reads ``form.errors``, which would run the
    validation; an empty error dict is what Django keeps after a clean run.)"""
    from django.forms.utils import ErrorDict

    form._errors = ErrorDict()


def saving(form) -> bool:
    """A posted form to save: valid, and not a picker's search sent without JavaScript
    (that one is shown again as it was, without errors)."""
    if not form.is_bound:
        return False
    if searching(form.data):
        hush(form)
        return False
    return form.is_valid()


def render_options(
    request,
    *,
    name: str,
    results,
    term: str,
    multiple: bool = True,
    none_found: str | Promise = "",
    template: str = "crm/partials/picker_options.html",
    **context,
) -> HttpResponse:
    """A live search's results for the picker of the field ``name``: the fragment
    picker.js puts under the search field."""
    return render(
        request,
        template,
        {
            **context,
            "picker_name": name,
            "multiple": multiple,
            "results": results,
            "term": term,
            "none_found": none_found,
        },
    )
