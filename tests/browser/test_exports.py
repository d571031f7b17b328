"""Downloads from the UI: the checked search hits as CSV, and a contact's vCard."""

import csv
import io
import re
from pathlib import Path

import pytest
import vobject
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_check_two_hits_and_download_them_as_csv(live_server, page, login, staff):
    for first in ["Kari", "Ola", "Per"]:
        ContactFactory(last_name="Hansen", first_name=first)
    login(staff)
    field = page.get_by_role("combobox", name="Søk")
    field.fill("hansen")
    field.press("Enter")
    hits = page.locator("#hit-list")
    expect(hits.get_by_role("link", name="Hansen, Kari", exact=True)).to_be_visible()
    assert_accessible(page)
    page.wait_for_load_state("networkidle")  # the live search has settled
    hits.get_by_role("checkbox", name="Velg Kari Hansen").check()
    hits.get_by_role("checkbox", name="Velg Per Hansen").check()
    expect(hits.get_by_role("checkbox", checked=True)).to_have_count(2)
    selection = page.locator("#hit-selection")
    with page.expect_download() as download_info:
        selection.get_by_role("button", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[2] for row in rows[1:]) == ["Kari", "Per"]


def test_download_a_vcard_from_the_card(live_server, page, login, staff):
    contact = ContactFactory(last_name="Nordmann", first_name="Kari", mobile="+4741234567")
    login(staff)
    page.goto(live_server.url + contact.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned vCard").click()
    download = download_info.value
    assert download.suggested_filename == "Kari Nordmann.vcf"
    card = vobject.readOne(Path(download.path()).read_text(encoding="utf-8"))
    assert card.fn.value == "Kari Nordmann" and card.tel.value == "+4741234567"


def test_ticking_a_category_in_the_panel_still_searches_live(live_server, page, login, staff):
    """The hit list's checkboxes are not the panel's: ticking a category searches."""
    from tests.contacts.factories import CategoryFactory

    vip = CategoryFactory(name="VIP-kunde")
    ContactFactory(last_name="Hansen", first_name="Kari").categories.add(vip)
    ContactFactory(last_name="Hansen", first_name="Ola")
    login(staff)
    page.goto(live_server.url + "/search/?q=hansen")
    expect(page.get_by_test_id("hit-count")).to_have_text(re.compile("2 treff"))
    page.get_by_text("Avgrens søket").click()
    page.get_by_role("checkbox", name="VIP-kunde").check()
    expect(page.get_by_test_id("hit-count")).to_have_text(re.compile("1 treff"))
    hits = page.locator("#hit-list")
    hits.get_by_role("checkbox", name="Velg Kari Hansen").check()
    page.wait_for_timeout(500)
    expect(hits.get_by_role("checkbox", name="Velg Kari Hansen")).to_be_checked()
