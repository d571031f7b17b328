"""The CRM behind PgBouncer in transaction mode (README, "Behind PgBouncer").

A real PgBouncer (tests/crm/pgbouncer.py) stands in front of the test database, with two
server connections handed out in turn, so that each transaction of a Django connection
runs on another server connection than the one before. Django's ``default`` alias points
at it, with the options ``DATABASE_PGBOUNCER=true`` gives (crm/database_settings.py), and
the login, search and card flows run through the real views. The last tests show that
the bouncer would catch what those options take away.
"""

from __future__ import annotations

import contextlib

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.urls import reverse

from contacts.models import Contact
from crm.auth import CrmModelBackend
from crm.database_settings import behind_pgbouncer
from mailbox.services.locks import SYNC_LOCK, account_sync_lock
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.crm.pgbouncer import PgBouncer


@pytest.fixture(scope="module")
def bouncer(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        database = connections[DEFAULT_DB_ALIAS].settings_dict
    server = PgBouncer(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    try:
        server.start(user=database["USER"], dbname=database["NAME"])
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def _default_through(bouncer: PgBouncer, *, options=None, server_side_cursors=False):
    """Django's default alias through the bouncer: with the PgBouncer settings, or with
    ``options`` (and server-side cursors) put back as a careless setup would have them."""
    databases = connections.settings
    saved, saved_connection = databases[DEFAULT_DB_ALIAS], connections[DEFAULT_DB_ALIAS]
    database = {
        **saved,
        "OPTIONS": dict(saved.get("OPTIONS") or {}),
        "HOST": "127.0.0.1",
        "PORT": bouncer.port,
    }
    behind_pgbouncer(database)
    if options is not None:
        database["OPTIONS"].update(options)
        database["DISABLE_SERVER_SIDE_CURSORS"] = not server_side_cursors
    databases[DEFAULT_DB_ALIAS] = database
    bouncer.fill_pool(database["NAME"], database["USER"])
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        databases[DEFAULT_DB_ALIAS] = saved
        connections[DEFAULT_DB_ALIAS] = saved_connection


@pytest.fixture
def through_bouncer(bouncer, transactional_db):
    with _default_through(bouncer):
        yield


def _direct(saved_database: dict) -> psycopg.Connection:
    """A connection to PostgreSQL itself, past the bouncer."""
    return psycopg.connect(
        host=saved_database["HOST"] or "127.0.0.1",
        port=saved_database["PORT"] or 5432,
        user=saved_database["USER"],
        dbname=saved_database["NAME"],
        autocommit=True,
    )


def test_django_talks_to_the_bouncer_and_each_transaction_may_land_elsewhere(through_bouncer):
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SHOW port")
        server_port = cursor.fetchone()[0]
        backends = set()
        for _ in range(4):
            cursor.execute("SELECT pg_backend_pid()")
            backends.add(cursor.fetchone()[0])
    assert connections[DEFAULT_DB_ALIAS].settings_dict["PORT"] != int(server_port)
    assert len(backends) == 2


def test_login_search_and_card_work_through_the_bouncer(through_bouncer, client):
    UserFactory(username="kari", crm_access=True)
    signed_in = client.post(reverse("login"), {"username": "kari", "password": "pw-for-tests-1"})
    assert signed_in.status_code == 302 and reverse("login") not in signed_in["Location"]

    contact = ContactFactory(first_name="Kari", last_name="Bouncersen")
    # More requests than psycopg's prepare threshold (5): each reads the session's user
    # with the same raw query (crm/auth.py), on alternating server connections.
    for _ in range(7):
        found = client.get(reverse("search:results"), {"q": "bouncersen"})
        assert found.status_code == 200
        assert [c.pk for c in found.context["result"].hits] == [contact.pk]

    card = client.get(contact.get_absolute_url())
    assert card.status_code == 200 and "Bouncersen" in card.text
    saved = client.post(
        reverse("activities:note_create") + f"?contact={contact.pk}",
        {"text": "Skrevet gjennom PgBouncer"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    tab = client.get(contact.get_absolute_url() + "notes/")
    assert tab.status_code == 200 and "Skrevet gjennom PgBouncer" in tab.text


def test_iterating_a_queryset_works_through_the_bouncer(through_bouncer):
    made = [ContactFactory().pk for _ in range(5)]
    # Chunks of two: the rows come in several fetches, each its own transaction.
    assert [c.pk for c in Contact.objects.order_by("pk").iterator(chunk_size=2)] == made


def test_the_mail_sync_lock_is_released_through_the_bouncer(bouncer, transactional_db):
    """Taken and released in one transaction on one server connection: a session-level
    lock would be released on another (in vain) and stay held for ever."""
    saved = connections.settings[DEFAULT_DB_ALIAS]
    with _default_through(bouncer), _direct(saved) as direct:
        with account_sync_lock(42) as taken:
            assert taken
            held = direct.execute("SELECT pg_try_advisory_lock(%s, 42)", [SYNC_LOCK]).fetchone()
            assert held == (False,)
        free = direct.execute("SELECT pg_try_advisory_lock(%s, 42)", [SYNC_LOCK]).fetchone()
        assert free == (True,)
        direct.execute("SELECT pg_advisory_unlock(%s, 42)", [SYNC_LOCK])


def test_a_mail_sync_lock_held_elsewhere_is_busy_through_the_bouncer(bouncer, transactional_db):
    saved = connections.settings[DEFAULT_DB_ALIAS]
    with _default_through(bouncer), _direct(saved) as direct:
        direct.execute("SELECT pg_advisory_lock(%s, 43)", [SYNC_LOCK])
        with account_sync_lock(43) as taken:
            assert not taken  # another worker is syncing the account


def test_prepared_statements_would_break_behind_this_bouncer(bouncer, transactional_db):
    """What the settings rule out does fail here: the tests above would catch it."""
    user = UserFactory(crm_access=True)
    unsafe = {"prepare_threshold": 0, "server_side_binding": True}
    with (
        _default_through(bouncer, options=unsafe),
        pytest.raises(DatabaseError, match="prepared statement"),
    ):
        for _ in range(10):
            CrmModelBackend().get_user(user.pk)


def test_with_hold_cursors_would_break_behind_this_bouncer(bouncer, transactional_db):
    for _ in range(5):
        ContactFactory()
    with (
        _default_through(bouncer, options={}, server_side_cursors=True),
        # Django's error, or psycopg's own from closing the cursor that is not there.
        pytest.raises((DatabaseError, psycopg.Error), match="does not exist"),
    ):
        list(Contact.objects.order_by("pk").iterator(chunk_size=2))


def test_the_session_user_query_is_never_prepared(staff):
    """Django binds parameters on the client and turns psycopg's automatic preparing off:
    the per-request user query leaves no prepared statement on the server."""
    for _ in range(8):
        CrmModelBackend().get_user(staff.pk)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)
