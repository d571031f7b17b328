import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_type_hanse_press_enter_and_open_a_hit(live_server, page, login, staff):
    for last in ["Hansen", "Johansen", "Hanssen"]:
        ContactFactory(last_name=last, first_name="Kari")
    login(staff)
    field = page.get_by_role("combobox", name="Søk")
    field.fill("hanse")
    field.press("Enter")

    hits = page.locator("#hit-list")
    expect(hits.get_by_role("link", name="Hansen, Kari", exact=True)).to_be_visible()
    expect(hits.get_by_role("link", name="Johansen, Kari", exact=True)).to_be_visible()
    expect(hits.get_by_role("link", name="Hanssen, Kari", exact=True)).to_have_count(0)
    expect(page.get_by_test_id("hit-count")).to_have_text(re.compile("2 treff"))
    assert_accessible(page)

    hits.get_by_role("link", name="Johansen, Kari", exact=True).click()
    expect(page.get_by_role("heading", name="Kari Johansen")).to_be_visible()
    assert_accessible(page)
