from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from crm.access import crm_view
from crm.actions import actions
from crm.params import page_number

from . import selectors


@require_GET
@vary_on_headers("HX-Request")
@crm_view
def search_results(request):
    """The hit list (S4) at /search/?q=…&kind=…: a full page, or just the list for htmx."""
    result = selectors.search(
        params=request.GET, user=request.user, page=page_number(request.GET.get("page"))
    )
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "result": result,
        "pager_query": kept.urlencode(),
        "search_filter": result.filterset,
        "hit_actions": actions("search_hits"),
        "term": highlighted_term(request.GET),
        # Row links from one reverse() each: per-row reversing is most of a page's cost.
        "contact_base": reverse("contacts:detail", args=[0]).removesuffix("0/"),
        "company_base": reverse("companies:detail", args=[0]).removesuffix("0/"),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "search/results.html#hit-list", context)
    return render(request, "search/results.html", context)


def highlighted_term(params) -> str:
    """The term to mark in the hits' names: only the name types match the name."""
    if (params.get("type") or "last_name") not in ("last_name", "first_name", "full_name"):
        return ""
    return params.get("q", "").strip()


# Hits in the typing dropdown; «Vis alle treff» opens the full list.
SUGGEST_LIMIT = 8


@require_GET
@crm_view
def search_suggest(request):
    """The dropdown under the panel's field while typing: the first hits of the same
    search, uncounted (``selectors.search(limit=…)``), as the listbox's options."""
    result = None
    if request.GET.get("q", "").strip():
        result = selectors.search(params=request.GET, user=request.user, limit=SUGGEST_LIMIT)
    return render(
        request,
        "search/partials/suggest.html",
        {
            "result": result,
            "term": highlighted_term(request.GET),
            "all_url": f"{reverse('search:results')}?{request.GET.urlencode()}",
            "contact_base": reverse("contacts:detail", args=[0]).removesuffix("0/"),
            "company_base": reverse("companies:detail", args=[0]).removesuffix("0/"),
        },
    )
