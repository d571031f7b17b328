"""Failed logins lock out a user name *from one address*, and an address that fails too often
with any names; a colleague elsewhere cannot lock someone out (django-axes)."""

import pytest
from django.urls import reverse

from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICE, ELSEWHERE, THIRD = "192.0.2.10", "198.51.100.7", "203.0.113.5"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_NAME_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12


def attempt(client, username, password, address):
    client.logout()
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(response):
    return response.status_code == 302 and "/accounts/login/" not in response["Location"]


def test_failures_from_elsewhere_do_not_lock_the_user_out_of_their_own_office(client):
    UserFactory(username="kari", crm_access=True)
    for _ in range(8):
        attempt(client, "kari", "guessing", ELSEWHERE)
    assert logged_in(attempt(client, "kari", "pw-for-tests-1", OFFICE))


def test_a_name_is_locked_from_the_address_that_kept_failing(client):
    UserFactory(username="kari", crm_access=True)
    for _ in range(5):
        attempt(client, "kari", "guessing", ELSEWHERE)
    locked = attempt(client, "kari", "pw-for-tests-1", ELSEWHERE)
    assert not logged_in(locked)
    assert locked.status_code == 429
    assert "For mange mislykkede" in locked.content.decode()


def test_an_address_that_fails_with_many_names_is_locked_for_every_name(client):
    UserFactory(username="ola", crm_access=True)
    for n in range(12):  # a few tries each at many names: under the per-name limit
        attempt(client, f"name{n % 4}", "guessing", THIRD)
    assert not logged_in(attempt(client, "ola", "pw-for-tests-1", THIRD))
    # The same person from their own address is not affected.
    assert logged_in(attempt(client, "ola", "pw-for-tests-1", OFFICE))


def test_an_office_sharing_one_address_is_not_locked_by_a_few_typos(client):
    users = [UserFactory(username=f"staff{n}", crm_access=True) for n in range(4)]
    for user in users:  # everyone mistypes twice: 8 failures from one address
        attempt(client, user.username, "typo", OFFICE)
        attempt(client, user.username, "typo", OFFICE)
    assert all(logged_in(attempt(client, u.username, "pw-for-tests-1", OFFICE)) for u in users)


def test_behind_a_proxy_each_client_address_counts_on_its_own(client, settings):
    # DJANGO_PROXY_COUNT=1: every request arrives from the proxy, the client in X-Forwarded-For.
    settings.PROXY_COUNT = 1
    UserFactory(username="kari", crm_access=True)

    def via_proxy(password, client_address, spoofed=""):
        client.logout()
        forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
        return client.post(
            reverse("login"),
            {"username": "kari", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _ in range(6):  # an attacker who even claims to be the office
        via_proxy("guessing", ELSEWHERE, spoofed=OFFICE)
    assert not logged_in(via_proxy("pw-for-tests-1", ELSEWHERE))
    assert logged_in(via_proxy("pw-for-tests-1", OFFICE))
