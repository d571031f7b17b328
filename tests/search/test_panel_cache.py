"""The search panel's cache when several web servers share it (REDIS_URL): a change of
categories empties it for every server, and a panel another server cached before the
change committed does not outlive the commit."""

import pytest
from django.core.cache import cache

from search.filters import CATEGORY_CHOICES_KEY, PANEL_CACHE_KEY, category_choices
from tests.contacts.factories import CategoryFactory

pytestmark = pytest.mark.django_db

PANEL_KEYS = [PANEL_CACHE_KEY.format(language=code) for code in ("nb", "en")]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_what_another_server_cached_before_the_commit_is_emptied_at_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        CategoryFactory(name="Nyhet")
        # Another server, still seeing the categories as they were before the commit,
        # renders its panel meanwhile and keeps it in the shared cache.
        cache.set(CATEGORY_CHOICES_KEY, [], 60)
        cache.set_many(dict.fromkeys(PANEL_KEYS, "<search>uten Nyhet</search>"), 300)

    assert cache.get(CATEGORY_CHOICES_KEY) is None
    assert cache.get_many(PANEL_KEYS) == {}


def test_a_deleted_category_empties_the_cache_too(django_capture_on_commit_callbacks):
    category = CategoryFactory(name="Utgått")
    with django_capture_on_commit_callbacks(execute=True):
        category.delete()
        cache.set(CATEGORY_CHOICES_KEY, [(1, "Utgått")], 60)

    assert cache.get(CATEGORY_CHOICES_KEY) is None


class _ReadsElsewhere:
    """A router sending every read to another database (as to a streaming replica)."""

    def db_for_read(self, model, **hints):
        return "replica_that_lags"


def test_the_cached_categories_are_read_from_the_primary_even_where_reads_go_to_a_replica(
    settings,
):
    CategoryFactory(name="Nyhet")
    settings.DATABASE_ROUTERS = [_ReadsElsewhere()]

    assert [name for _pk, name in category_choices()] == ["Nyhet"]
