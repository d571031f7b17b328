import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_new_api_key_is_shown_once_and_works(live_server, page, login, staff):
    ContactFactory(last_name="Nordmann")
    login(staff)
    page.get_by_role("link", name="API-nøkler").click()
    form = page.get_by_test_id("token-form")
    form.get_by_label("Navn").fill("Nettbutikk")
    form.get_by_label("Tilgang").select_option("read")
    page.get_by_role("button", name="Lag nøkkel").click()
    secret = page.get_by_test_id("secret-value").input_value()
    assert secret.startswith("kk_")
    assert page.get_by_text("Kopier nøkkelen nå: den vises ikke igjen.").is_visible()
    assert_accessible(page)
    # The key works as the user, read only.
    answer = page.request.get(
        live_server.url + "/api/v1/contacts?q=nordm",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status == 200
    assert answer.json()["results"][0]["last_name"] == "Nordmann"
    # Shown once: a reload of the page shows the key's start only.
    page.goto(live_server.url + reverse("tokens:list"))
    assert page.get_by_test_id("new-secret").count() == 0
    assert secret not in page.content()
    row = page.get_by_test_id("token-table").get_by_role("row", name="Nettbutikk")
    assert "Bare lese" in row.inner_text() and "Aktiv" in row.inner_text()
    row.get_by_role("button", name="Trekk tilbake").click()
    assert "Trukket tilbake" in page.get_by_test_id("token-table").inner_text()
    refused = page.request.get(
        live_server.url + "/api/v1/contacts", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401


def test_the_api_documentation_page_shows_the_operations(live_server, page, login, staff):
    login(staff)
    page.goto(live_server.url + reverse("tokens:docs"))
    page.get_by_text("/api/v1/contacts/{contact_id}").first.wait_for()
    assert page.get_by_text("Kontaktkort CRM API").first.is_visible()
