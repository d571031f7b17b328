"""Reads from a real streaming replica (crm/replicas.py), through the real views.

A throwaway primary gets the test database's schema and rows (pg_dump), and a second
throwaway PostgreSQL becomes its streaming standby (pg_basebackup -R), both on loopback.
For each test, Django's ``default`` alias points at the primary and ``replica_0`` at the
standby. Pausing the standby's replay makes it lag on purpose: a row written on the
primary then shows on a page only if the page read the primary, which is how these tests
tell where each read went.
"""

from __future__ import annotations

import contextlib
import subprocess
import time

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from crm import replicas
from crm.database_settings import replica_database
from tests.activities.factories import NoteFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.crm.throwaway_postgres import POSTGRES_BIN_PATH, ThrowawayPostgres

REPLICA = "replica_0"
DBNAME = "crm"
SEARCH = reverse("search:results")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """(primary, standby): the primary holds a copy of the test database."""
    primary, standby = ThrowawayPostgres(), ThrowawayPostgres()
    try:
        primary.init()
        primary.start()
        primary.create_database(DBNAME)
        with django_db_blocker.unblock():
            test_db = connections[DEFAULT_DB_ALIAS].settings_dict
        dump = subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "pg_dump"),
                "--no-owner",
                "--no-privileges",
                f"--host={test_db['HOST'] or 'localhost'}",
                f"--port={test_db['PORT'] or 5432}",
                f"--username={test_db['USER']}",
                test_db["NAME"],
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                primary.url(DBNAME),
            ],
            # The suite's server may be a build that stores a private column option
            # (pg_attver) which a stock PostgreSQL refuses: those lines are left out.
            input=b"\n".join(
                line for line in dump.stdout.split(b"\n") if b"SET (pg_attver=" not in line
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        standby.init_standby_of(primary)
        standby.start()
        yield primary, standby
    finally:
        standby.remove()
        primary.remove()


@pytest.fixture
def replicated(cluster, django_db_blocker):
    """``default`` on the primary and ``replica_0`` on the standby, for one test."""
    primary, standby = cluster
    databases = connections.settings
    saved_default = databases[DEFAULT_DB_ALIAS]
    saved_connection = connections[DEFAULT_DB_ALIAS]
    on_primary = {**saved_default, "HOST": "127.0.0.1", "PORT": primary.port, "NAME": DBNAME}
    databases[DEFAULT_DB_ALIAS] = on_primary
    databases[REPLICA] = {
        **on_primary,
        **replica_database(standby.url(DBNAME), primary=on_primary),
    }
    replicas.forget_replica_states()
    with django_db_blocker.unblock():
        connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
        connections[REPLICA] = connections.create_connection(REPLICA)
        try:
            yield primary, standby
        finally:
            connections[DEFAULT_DB_ALIAS].close()
            connections[REPLICA].close()
            del connections[REPLICA]
            del databases[REPLICA]
            databases[DEFAULT_DB_ALIAS] = saved_default
            connections[DEFAULT_DB_ALIAS] = saved_connection
            replicas.forget_replica_states()


def _wait_replicated(primary: ThrowawayPostgres, standby: ThrowawayPostgres) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with psycopg.connect(primary.url(DBNAME), autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with psycopg.connect(standby.url(DBNAME), autocommit=True) as conn:
        deadline = time.monotonic() + 30
        while not conn.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)


@contextlib.contextmanager
def _replay_paused(standby: ThrowawayPostgres):
    """The standby receives the primary's changes but does not apply them: it lags."""
    with psycopg.connect(standby.url(DBNAME), autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def signed_in(replicated, client):
    primary, standby = replicated
    staff = UserFactory(crm_access=True)
    _wait_replicated(primary, standby)
    client.force_login(staff)
    return client


def _hits(response) -> list[str]:
    assert response.status_code == 200
    return sorted(f"{c.first_name} {c.last_name}" for c in response.context["result"].hits)


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries)


def test_the_standby_is_a_replica_that_refuses_writes(replicated):
    _primary, _standby = replicated
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (False,)


def test_the_search_page_reads_from_the_replica_and_writes_go_to_the_primary(
    replicated, signed_in
):
    primary, standby = replicated
    ContactFactory(first_name="Eldre", last_name="Replikasen")
    _wait_replicated(primary, standby)
    with _replay_paused(standby):
        # Written outside a request: to the primary, where the standby cannot apply it yet.
        newer = ContactFactory(first_name="Nyere", last_name="Replikasen")
        assert Contact.objects.using(DEFAULT_DB_ALIAS).filter(pk=newer.pk).exists()
        assert not Contact.objects.using(REPLICA).filter(pk=newer.pk).exists()
        with (
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
        ):
            response = signed_in.get(SEARCH, {"q": "replikasen"})
        assert _hits(response) == ["Eldre Replikasen"]
        # The contacts (and the probe's raw SQL) were read from the replica; the primary
        # served only the session.
        assert "contacts_contact" in _tables(on_replica)
        assert "WITH RECURSIVE" in _tables(on_replica)
        assert "contacts_contact" not in _tables(on_primary)
        assert "django_session" in _tables(on_primary)
    _wait_replicated(primary, standby)
    assert _hits(signed_in.get(SEARCH, {"q": "replikasen"})) == [
        "Eldre Replikasen",
        "Nyere Replikasen",
    ]


def test_a_card_tab_reads_from_the_replica(replicated, signed_in):
    primary, standby = replicated
    contact = ContactFactory()
    NoteFactory(contact=contact, text="Notat som er replikert")
    _wait_replicated(primary, standby)
    tab = contact.get_absolute_url() + "notes/"
    with _replay_paused(standby):
        NoteFactory(contact=contact, text="Notat bare på primæren")
        page = signed_in.get(tab)
        assert page.status_code == 200
        assert "Notat som er replikert" in page.text
        assert "Notat bare på primæren" not in page.text
    _wait_replicated(primary, standby)
    assert "Notat bare på primæren" in signed_in.get(tab).text


def test_a_user_who_just_wrote_reads_their_write_from_the_primary(replicated, signed_in):
    primary, standby = replicated
    contact = ContactFactory()
    _wait_replicated(primary, standby)
    tab = contact.get_absolute_url() + "notes/"
    with _replay_paused(standby):
        saved = signed_in.post(
            reverse("activities:note_create") + f"?contact={contact.pk}",
            {"text": "Ringte i dag"},
            headers={"HX-Request": "true"},
        )
        assert saved.status_code == 200
        assert replicas.STICKY_COOKIE in saved.cookies
        assert "Ringte i dag" in signed_in.get(tab).text
        # Without the marker the page reads the lagging replica, which lacks the note.
        del signed_in.cookies[replicas.STICKY_COOKIE]
        assert "Ringte i dag" not in signed_in.get(tab).text


def test_the_primary_serves_the_writer_only_for_a_few_seconds(replicated, signed_in, settings):
    primary, standby = replicated
    settings.DATABASE_REPLICA_STICKY_SECONDS = 0.2
    contact = ContactFactory()
    _wait_replicated(primary, standby)
    tab = contact.get_absolute_url() + "notes/"
    with _replay_paused(standby):
        signed_in.post(
            reverse("activities:note_create") + f"?contact={contact.pk}",
            {"text": "Kort etter"},
            headers={"HX-Request": "true"},
        )
        assert "Kort etter" in signed_in.get(tab).text
        time.sleep(0.3)
        assert "Kort etter" not in signed_in.get(tab).text


def test_a_stopped_replica_leaves_the_pages_to_the_primary(replicated, signed_in):
    primary, standby = replicated
    contact = ContactFactory(first_name="Uten", last_name="Replikasen")
    NoteFactory(contact=contact, text="Fra primæren")
    _wait_replicated(primary, standby)
    tab = contact.get_absolute_url() + "notes/"
    assert "Fra primæren" in signed_in.get(tab).text  # the replica's connection is open
    standby.stop()
    try:
        # The kept connection is dead: the request's first read finds it so.
        assert "Uten Replikasen" in _hits(signed_in.get(SEARCH, {"q": "replikasen"}))
        # Known to be down: left alone, without waiting for a connect timeout.
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
            page = signed_in.get(tab)
        assert page.status_code == 200 and "Fra primæren" in page.text
        assert "activities_note" in _tables(on_primary)
        # Checked again (state forgotten): the refused connection sends reads home.
        replicas.forget_replica_states()
        assert "Uten Replikasen" in _hits(signed_in.get(SEARCH, {"q": "replikasen"}))
    finally:
        standby.start()
    # Back up: after its check interval the replica serves again.
    replicas.forget_replica_states()
    _wait_replicated(primary, standby)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert "Fra primæren" in signed_in.get(tab).text
    assert "activities_note" in _tables(on_replica)


def test_a_replica_too_far_behind_is_left_out(replicated, signed_in, settings):
    primary, standby = replicated
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0.5
    ContactFactory(first_name="Før", last_name="Etterslepet")
    _wait_replicated(primary, standby)
    with _replay_paused(standby):
        ContactFactory(first_name="Etter", last_name="Etterslepet")
        time.sleep(1)  # received, not replayed: a second behind
        replicas.forget_replica_states()  # measured afresh at the next request
        found = _hits(signed_in.get(SEARCH, {"q": "etterslepet"}))
        assert found == ["Etter Etterslepet", "Før Etterslepet"]
        assert replicas.replica_known_down(REPLICA)
        # Within the limit, the same lagging replica serves (and lacks the new row).
        settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
        replicas.forget_replica_states()
        assert _hits(signed_in.get(SEARCH, {"q": "etterslepet"})) == ["Før Etterslepet"]


def test_a_replica_that_dies_under_a_view_leaves_the_page_to_the_primary(replicated, signed_in):
    primary, standby = replicated
    contact = ContactFactory()
    NoteFactory(contact=contact, text="Lest på nytt")
    _wait_replicated(primary, standby)
    killed = []

    def die_before_the_notes(execute, sql, params, many, context):
        # The tab's own query, inside the view: the replica's server ends the session first.
        if "activities_note" in sql and not killed:
            killed.append(context["connection"].connection.info.backend_pid)
            with psycopg.connect(standby.url(DBNAME), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", killed)
        return execute(sql, params, many, context)

    with connections[REPLICA].execute_wrapper(die_before_the_notes):
        page = signed_in.get(contact.get_absolute_url() + "notes/")
    assert killed
    assert page.status_code == 200 and "Lest på nytt" in page.text
    assert replicas.replica_known_down(REPLICA)  # left alone for a few seconds


def _route(request, read_in_view):
    """Run a request through ReplicaMiddleware; the view reports the router's answers."""
    answers = {}

    def view(request):
        answers.update(read_in_view())
        return HttpResponse("ok")

    response = replicas.ReplicaMiddleware(view)(request)
    return answers, response


def test_reads_in_a_transaction_or_after_a_write_or_in_a_post_go_to_the_primary(replicated):
    factory = RequestFactory()

    def reads():
        answers = {"before": router.db_for_read(Contact)}
        with transaction.atomic():
            answers["atomic"] = router.db_for_read(Contact)
        answers["session"] = router.db_for_read(Session)
        Contact.objects.filter(pk=0).update(first_name="x")
        answers["after_write"] = router.db_for_read(Contact)
        return answers

    answers, response = _route(factory.get("/"), reads)
    assert answers == {
        "before": REPLICA,
        "atomic": DEFAULT_DB_ALIAS,
        "session": DEFAULT_DB_ALIAS,
        "after_write": DEFAULT_DB_ALIAS,
    }
    # The write in a GET sends the user's next reads to the primary too.
    assert replicas.STICKY_COOKIE in response.cookies

    answers, response = _route(factory.post("/"), lambda: {"read": router.db_for_read(Contact)})
    assert answers == {"read": DEFAULT_DB_ALIAS}
    assert replicas.STICKY_COOKIE in response.cookies

    answers, response = _route(factory.get("/"), lambda: {"read": router.db_for_read(Contact)})
    assert answers == {"read": REPLICA}
    assert replicas.STICKY_COOKIE not in response.cookies
    # Outside any request (commands, the task worker): the primary.
    assert router.db_for_read(Contact) == DEFAULT_DB_ALIAS


def test_the_environment_names_the_replicas_and_the_bouncer(monkeypatch):
    import importlib

    import crm.settings.base as base

    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS",
        "postgres://crm@replica-a:5432/crm, postgres://crm@replica-b:6432/crm",
    )
    monkeypatch.setenv("DATABASE_PGBOUNCER", "true")
    try:
        databases = importlib.reload(base).DATABASES
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URLS")
        monkeypatch.delenv("DATABASE_PGBOUNCER")
        importlib.reload(base)
    assert sorted(databases) == ["default", "replica_0", "replica_1"]
    assert (databases["replica_1"]["HOST"], databases["replica_1"]["PORT"]) == ("replica-b", 6432)
    assert databases["replica_0"]["OPTIONS"]["connect_timeout"] == 2
    for database in databases.values():
        assert database["OPTIONS"]["prepare_threshold"] is None
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
