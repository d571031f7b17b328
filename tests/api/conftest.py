import pytest
from django.core.cache import cache

from tests.api.factories import bearer, token_for


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_auth(staff):
    """The Authorization header of a read-write token of ``staff``."""
    _token, secret = token_for(staff)
    return bearer(secret)


@pytest.fixture
def admin_auth(firm_admin):
    _token, secret = token_for(firm_admin)
    return bearer(secret)
