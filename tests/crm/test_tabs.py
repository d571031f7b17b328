"""The tab pages (contact card, company, project) as the server renders them."""

import re

import pytest
from django.urls import reverse

from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "contact": (ContactFactory, "contacts:tab"),
    "company": (CompanyFactory, "companies:tab"),
    "project": (ProjectFactory, "activities:project_tab"),
}

HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def open_tabs(html):
    """The ids of the tabs marked open, and of those reachable with the Tab key."""
    tabs = re.findall(r'<a [^>]*role="tab"[^>]*>', html)
    selected = [re.search(r'id="([^"]+)"', t)[1] for t in tabs if 'aria-selected="true"' in t]
    reachable = [re.search(r'id="([^"]+)"', t)[1] for t in tabs if 'tabindex="-1"' not in t]
    return selected, reachable


@pytest.mark.parametrize("kind", PAGES)
def test_a_tab_url_loaded_in_full_marks_that_tab(staff_client, kind):
    factory, url_name = PAGES[kind]
    html = staff_client.get(reverse(url_name, args=[factory().pk, "notes"])).content.decode()
    assert open_tabs(html) == (["tab-notes"], ["tab-notes"])
    assert 'data-active-tab="notes"' in html


@pytest.mark.parametrize("kind", PAGES)
def test_htmx_history_restore_gets_the_whole_page_not_the_panel(staff_client, kind):
    """htmx asks for a page missing from its history cache with HX-Request set, and puts
    the answer in place of the whole body."""
    factory, url_name = PAGES[kind]
    url = reverse(url_name, args=[factory().pk, "notes"])
    response = staff_client.get(url, headers=HISTORY_RESTORE)
    html = response.content.decode()
    assert "<html" in html and 'role="tablist"' in html
    assert open_tabs(html) == (["tab-notes"], ["tab-notes"])
    # A cached tab switch (panel only) must not answer a history restore, nor the reverse.
    assert {"hx-request", "hx-history-restore-request"} <= {
        h.strip().lower() for h in response["Vary"].split(",")
    }
