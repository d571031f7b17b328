"""The post-town endpoint the contact and company forms ask as a Norwegian postcode is typed
(contacts.views.post_town)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("contacts:post_town")


def ask(client, **params):
    return client.get(URL, {"country": "NO", "city": "", **params}, headers={"HX-Request": "true"})


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL, {"postcode": "7010"})
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_a_user_without_crm_access_is_refused(client, no_access_user, postcode_register):
    client.force_login(no_access_user)
    assert ask(client, postcode="7010").status_code == 403


def test_a_known_postcode_gives_the_town_input_filled(staff_client, postcode_register):
    response = ask(staff_client, postcode="7010")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_city"' in body and 'name="city"' in body and 'value="TRONDHEIM"' in body


def test_a_town_filled_before_follows_a_new_postcode(staff_client, postcode_register):
    response = ask(staff_client, postcode="5003", city="OSLO")
    assert 'value="BERGEN"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"postcode": "0000"},  # not in the register
        {"postcode": "015"},  # not typed to the end yet
        {"postcode": "10117", "country": "DE"},  # abroad
        {"postcode": "0150", "country": "SE"},
        {"postcode": "9008", "city": "Tromsø sentrum"},  # typed by hand: kept
        {"postcode": "9008", "city": "tromsø"},  # the same town already
        {},
    ],
)
def test_the_town_input_is_left_alone_otherwise(staff_client, postcode_register, params):
    assert ask(staff_client, **params).status_code == 204


@pytest.mark.parametrize("value", ["\x00", "7010\x00", "x" * 10_000, "'; DROP TABLE x; --"])
def test_hostile_input_is_answered_calmly(staff_client, postcode_register, value):
    for name in ("postcode", "country", "city"):
        assert ask(staff_client, **{"postcode": "7010", name: value}).status_code in (200, 204)


def test_only_get_is_answered(staff_client):
    assert staff_client.post(URL, {"postcode": "7010"}).status_code == 405
