"""The ``DATABASES`` entries beyond the primary: streaming replicas, and the options that
PgBouncer in transaction mode needs. Functions rather than inline settings code, so that
the tests build their aliases through the same code (tests/crm/test_replicas.py,
tests/crm/test_pgbouncer.py)."""

import environ

# crm/replicas.py routes reads to the aliases with this prefix.
REPLICA_PREFIX = "replica_"
# Seconds a connection attempt to a replica may take before the primary serves instead.
REPLICA_CONNECT_TIMEOUT = 2


def replica_database(url: str, *, primary: dict) -> dict:
    """A replica's entry: its URL, kept and health-checked like the primary's, and given
    up quickly when it does not answer."""
    database = {
        **environ.Env.db_url_config(url),
        "CONN_MAX_AGE": primary.get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
    }
    database.setdefault("OPTIONS", {}).setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT)
    return database


def replica_databases(urls: list[str], *, primary: dict) -> dict[str, dict]:
    """``replica_0``, ``replica_1``, … for the URLs, in order."""
    urls = [url.strip() for url in urls if url.strip()]
    return {
        f"{REPLICA_PREFIX}{number}": replica_database(url, primary=primary)
        for number, url in enumerate(urls)
    }


def behind_pgbouncer(database: dict) -> dict:
    """Make an entry safe behind PgBouncer in transaction mode, where each transaction
    may run on another server connection, so that nothing may outlive a transaction:

    - no server-side prepared statements: psycopg prepares a query after
      ``prepare_threshold`` runs, on one server connection; Django already turns that
      off (None) and binds parameters on the client, and this pins both;
    - no ``WITH HOLD`` cursors: ``.iterator()`` outside a transaction declares one.
    """
    options = database.setdefault("OPTIONS", {})
    options["prepare_threshold"] = None
    options["server_side_binding"] = False
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return database
