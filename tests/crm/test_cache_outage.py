"""Redis out of reach (stopped, restarting, the network gone): the pages keep answering,
slower for a while, as with an empty cache; nothing a user does fails because of it."""

import pytest
from django.urls import reverse

from tests.contacts.factories import CategoryFactory, ContactFactory
from tests.mailbox.dovecot import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_gone(settings):
    """The production cache settings, pointed at a port where no Redis listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "KEY_PREFIX": "crm",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_login_search_card_and_a_category_change_work_without_redis(
    client, staff, firm_admin, redis_gone
):
    contact = ContactFactory(last_name="Uten-Redis")
    response = client.post(
        reverse("login"), {"username": staff.username, "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    search = client.get(reverse("search:results"), {"q": "uten-redis"})
    assert search.status_code == 200 and "Uten-Redis" in search.content.decode()
    assert client.get(contact.get_absolute_url()).status_code == 200
    # A change that empties the cache on commit: the emptying fails quietly too.
    CategoryFactory(name="Ny kategori")
    assert "Ny kategori" in client.get(reverse("search:results")).content.decode()


def test_the_api_limit_lets_requests_through_while_redis_is_away(client, staff, redis_gone):
    client.force_login(staff)
    for _ in range(3):
        assert client.get("/api/v1/contacts").status_code == 200
