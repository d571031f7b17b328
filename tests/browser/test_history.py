import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_phone_edit_on_the_card_shows_in_history(live_server, page, login):
    user = UserFactory(crm_access=True, first_name="Kari", last_name="Nordmann")
    contact = ContactFactory(first_name="Ola", last_name="Hansen", mobile="+4741000000")
    login(user)
    page.goto(live_server.url + reverse("contacts:update", args=[contact.pk]))
    page.get_by_label("Mobil", exact=True).fill("+47 92 00 00 00")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(rf"/contacts/{contact.pk}/"))
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    page.get_by_role("tab", name="Historikk").click()
    entries = page.get_by_test_id("history-entry")
    expect(entries.first).to_contain_text(
        "Kari Nordmann endret mobil fra +47 41 00 00 00 til +47 92 00 00 00"
    )
    expect(
        page.get_by_test_id("history-entry").filter(has_text="opprettet kontakten")
    ).to_have_count(1)
    assert_accessible(page)
