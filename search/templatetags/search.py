from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from contacts.models import Contact
from search import rows
from search.filters import PANEL_CACHE_KEY, SearchFilter

register = template.Library()

# The empty panel is the same for every user in a language; it is on every page.
PANEL_CACHE_TIMEOUT = 300


@register.simple_tag(takes_context=True)
def search_panel(context):
    """The panel on every CRM page; on the hit list it shows the search being made
    (and searches live, with htmx); elsewhere «Søk» opens the hit list."""
    request = context["request"]
    search_filter = context.get("search_filter")
    if search_filter is not None:
        return _render(search_filter.form, live=True, request=request)
    key = PANEL_CACHE_KEY.format(language=get_language())
    html = cache.get(key)
    if html is None:
        empty = SearchFilter(user=request.user, queryset=Contact.objects.none())
        empty.is_valid()
        html = _render(empty.form, live=False, request=request)
        cache.set(key, html, PANEL_CACHE_TIMEOUT)
    return html


def _render(form, *, live, request):
    return render_to_string(
        "search/partials/panel_form.html", {"form": form, "live": live}, request=request
    )


@register.filter
def highlight(value, term):
    """``value`` escaped, with each occurrence of ``term`` marked (``rows.highlight``)."""
    return mark_safe(rows.highlight(value, term))


@register.simple_tag(takes_context=True)
def hit_rows(context, result):
    """The hit list's rows (search/rows.py); the table around them is the template's."""
    return rows.hit_rows(
        result,
        term=context.get("term", ""),
        selectable=bool(context.get("hit_actions")),
        contact_base=context["contact_base"],
        company_base=context["company_base"],
    )
