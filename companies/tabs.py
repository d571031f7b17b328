"""The tabs of a company page (apps register theirs; see crm/tabs.py), and what companies
shows in them and on the contact card (registered in apps.py)."""

from django.urls import reverse

from crm.pagination import page_with_total
from crm.tabs import TabSet

from . import selectors

company_tabs = TabSet(order=["people", "notes", "files", "orders", "history"])


def people_tab_context(request, company):
    page = page_with_total(
        selectors.company_people(company=company), request.GET.get("page"), LINKS_PER_PAGE
    )
    contact_prefix, contact_suffix = _url_pattern("contacts:detail")
    edit_prefix, edit_suffix = _url_pattern("companies:link_update")
    for link in page:
        link.contact_url = f"{contact_prefix}{link.contact_id}{contact_suffix}"
        link.edit_url = f"{edit_prefix}{link.pk}{edit_suffix}"
    return {
        "links": page.object_list,
        "links_page": page,
        "tab_url": reverse("companies:tab", args=[company.pk, "people"]),
    }


def _url_pattern(name: str) -> tuple[str, str]:
    """``name``'s URL split around its pk, so a long list reverses once, not per row."""
    sentinel = "987654321"
    prefix, _, suffix = reverse(name, args=[int(sentinel)]).rpartition(sentinel)
    return prefix, suffix


LINKS_PER_PAGE = 25


def companies_tab_context(request, contact):
    page = page_with_total(
        selectors.company_links_for_contact(contact=contact),
        request.GET.get("page"),
        LINKS_PER_PAGE,
    )
    company_prefix, company_suffix = _url_pattern("companies:detail")
    edit_prefix, edit_suffix = _url_pattern("companies:link_update")
    for link in page:
        link.company_url = f"{company_prefix}{link.company_id}{company_suffix}"
        link.edit_url = f"{edit_prefix}{link.pk}{edit_suffix}"
    return {
        "links": page.object_list,
        "links_page": page,
        "tab_url": reverse("contacts:tab", args=[contact.pk, "companies"]),
    }
