"""The tabs of a company page (apps register theirs; see crm/tabs.py), and what companies
shows in them and on the contact card (registered in apps.py)."""

import functools

from django.db.models import OuterRef
from django.urls import reverse

from crm.pagination import page_with_total
from crm.rows import add_row_urls
from crm.tabs import TabSet, count_subquery

from . import selectors
from .models import CompanyLink

company_tabs = TabSet(
    order=["people", "notes", "files", "orders", "history"], url_name="companies:tab"
)

LINKS_PER_PAGE = 25


def people_tab_context(request, company):
    page = page_with_total(
        selectors.company_people(company=company), request.GET.get("page"), LINKS_PER_PAGE
    )
    add_row_urls(
        page, contact_url=("contacts:detail", "contact_id"), edit_url="companies:link_update"
    )
    return {
        "links": page.object_list,
        "links_page": page,
        "tab_url": reverse("companies:tab", args=[company.pk, "people"]),
    }


def companies_tab_context(request, contact):
    page = page_with_total(
        selectors.company_links_for_contact(contact=contact),
        request.GET.get("page"),
        LINKS_PER_PAGE,
    )
    add_row_urls(
        page, company_url=("companies:detail", "company_id"), edit_url="companies:link_update"
    )
    return {
        "links": page.object_list,
        "links_page": page,
        "tab_url": reverse("contacts:tab", args=[contact.pk, "companies"]),
    }


def companies_tab_count(request, pk):
    return _links_count()


@functools.cache
def _links_count():
    """The contact's company links, current and former (the tab lists both); correlated
    with the contact's row, so built once (crm/tabs.py)."""
    return count_subquery(CompanyLink.objects.filter(contact_id=OuterRef("pk")))
