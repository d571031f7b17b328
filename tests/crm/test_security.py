import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_content_security_policy_with_a_nonce(staff_client):
    response = staff_client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_failed_logins_are_throttled_per_user_name(client, staff):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": staff.username, "password": "wrong"})
    response = client.post(url, {"username": staff.username, "password": "pw-for-tests-1"})
    assert response.status_code == 429
    assert "For mange" in response.content.decode()


def test_static_assets_are_served_locally_not_from_a_cdn(staff_client):
    body = staff_client.get(reverse("home")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "cdn" not in body.lower()


def test_a_password_from_before_argon2_is_stored_again_with_it_at_sign_in(client, staff, settings):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    import crm.settings.base as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    # A hash made before the switch (fewer rounds, to keep the test quick; they are stored
    # in the hash itself).
    staff.password = PBKDF2PasswordHasher().encode(
        "pw-for-tests-1", "oldsalt1234", iterations=1000
    )
    staff.save(update_fields=["password"])
    response = client.post(
        reverse("login"), {"username": staff.username, "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.password.startswith("argon2$argon2id$")
    assert staff.check_password("pw-for-tests-1")
    assert not staff.check_password("pw-for-tests-2")
