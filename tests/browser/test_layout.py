import pytest
from django.urls import reverse

from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("width", [1024, 1300, 1920])
def test_pages_with_tabs_keep_the_search_panel_beside_them(live_server, page, login, width):
    """The card's tab row is wider than the main column on a laptop screen: it scrolls on
    its own, and the page does not drop below the search panel."""
    login(UserFactory(crm_access=True))
    page.set_viewport_size({"width": width, "height": 900})
    for url in [
        reverse("contacts:detail", args=[ContactFactory().pk]),
        reverse("companies:detail", args=[CompanyFactory().pk]),
        reverse("activities:project_detail", args=[ProjectFactory().pk]),
    ]:
        page.goto(live_server.url + url)
        sidebar = page.locator("aside.crm-sidebar").bounding_box()
        main = page.locator("#main").bounding_box()
        assert main["x"] >= sidebar["x"] + sidebar["width"] - 1, url
        assert abs(main["y"] - sidebar["y"]) < 2, url
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
