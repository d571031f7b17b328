import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(autouse=True)
def _test_gateway_sms(settings):
    # The console backend is no gateway outside development: a test stands in for one.
    settings.SMS_BACKEND = "cardservices.sms.backends.locmem.SmsBackend"
    settings.SMS_SENDER = "Firma AS"


def test_send_sms_from_the_card_and_see_it_in_the_history(live_server, page, login):
    user = UserFactory(crm_access=True)
    contact = ContactFactory(first_name="Åse", last_name="Ødegård", mobile="+4741234567")
    login(user)
    page.goto(live_server.url + reverse("contacts:detail", args=[contact.pk]))
    page.get_by_role("tab", name="Tjenester").click()
    expect(page.locator("#tab-panel")).to_have_attribute("data-active-tab", "services")
    page.locator("#tab-panel").get_by_role("link", name="Send SMS").first.click()
    page.wait_for_url(f"**/contacts/{contact.pk}/services/sms/")
    assert_accessible(page)
    field = page.get_by_label("Melding")
    field.fill("a" * 160)
    counter = page.locator("[data-sms-counter]")
    assert "160 tegn · 1 SMS" in counter.inner_text()
    field.fill("a" * 161)
    assert "2 SMS" in counter.inner_text()
    field.fill("Hei Åse! Møtet er flyttet til fredag 😀")
    assert "UCS-2" in counter.inner_text()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"**/contacts/{contact.pk}/services/")
    assert page.get_by_text("Hei Åse! Møtet er flyttet til fredag 😀").first.is_visible()
    page.get_by_role("tab", name="Historikk").click()
    panel = page.locator("#tab-panel")
    panel.get_by_text("sendte en SMS til +47 41 23 45 67").wait_for()
    assert_accessible(page)


def test_lookup_arrow_shows_the_facts(live_server, page, login):
    user = UserFactory(crm_access=True)
    contact = ContactFactory(mobile="+4741234567", work_phone="+4722123456")
    login(user)
    page.goto(live_server.url + reverse("contacts:tab", args=[contact.pk, "services"]))
    page.locator("#tab-panel").get_by_role("button", name="Slå opp Telefon arbeid").click()
    row = page.get_by_test_id("lookup-row").first
    row.wait_for()
    assert "Fasttelefon" in row.inner_text() and "22 12 34 56" in row.inner_text()
    assert_accessible(page)
