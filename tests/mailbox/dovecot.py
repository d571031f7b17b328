"""A throwaway Dovecot IMAP server for tests and benchmarks.

Runs Debian's ``dovecot`` from a private folder under /tmp with its own configuration,
listening on a free port on 127.0.0.1 without TLS (or, given a certificate and key, also
with STARTTLS there and implicit TLS on ``tls_port``); users live in a ``passwd-file`` with
``{PLAIN}`` passwords and Maildir folders owned by Debian's ``mail`` user (Dovecot refuses
uid 0 for mail users and root for its login process).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from imap_tools import MailBoxUnencrypted

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = {ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login{mechanisms}
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:~/Maildir
mail_fsync = never
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
{oauth2_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
"""

# The oauth2 variant: XOAUTH2 and OAUTHBEARER tokens are checked by asking a local
# authorization server's RFC 7662 introspection endpoint whose the token is; passwords
# still work for the tests' own APPENDs.
OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""
OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
"""


def available() -> bool:
    return shutil.which("dovecot") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    """``with Dovecot() as server: server.add_user("ola", "pw"); server.append(...)``.

    ``introspection_url``: also accept OAuth 2.0 access tokens (XOAUTH2, OAUTHBEARER),
    checked at that URL. ``tls``: a certificate and key, for STARTTLS and ``tls_port``."""

    def __init__(self, introspection_url: str = "", *, tls: tuple[Path, Path] | None = None):
        self.introspection_url = introspection_url
        self.root = Path(tempfile.mkdtemp(prefix="crm-dovecot-"))
        self.port = free_port()
        self.tls = tls  # (certificate, key) PEM files
        self.tls_port = free_port() if tls else 0
        self.host = "127.0.0.1"
        self.uid = pwd.getpwnam("mail").pw_uid
        self.gid = grp.getgrnam("mail").gr_gid
        self.users: dict[str, str] = {}
        self.conf = self.root / "dovecot.conf"

    # -- life cycle --------------------------------------------------------------------
    def start(self) -> Dovecot:
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir()
        # The login processes run as dovenull/dovecot: they must reach the folder.
        for path in (self.root, self.root / "run", self.root / "state"):
            path.chmod(0o755)
        os.chown(self.root / "home", self.uid, self.gid)
        # One passwd-file per user: a user added later is seen at once.
        (self.root / "users").mkdir(mode=0o755)
        ssl = "no"
        if self.tls:
            # Dovecot reads the files as root at start; copies keep the caller's apart.
            cert, key = (self.root / "tls.crt", self.root / "tls.key")
            shutil.copy(self.tls[0], cert)
            shutil.copy(self.tls[1], key)
            ssl = f"yes\nssl_cert = <{cert}\nssl_key = <{key}"
        oauth2 = bool(self.introspection_url)
        if oauth2:
            (self.root / "oauth2.conf.ext").write_text(
                OAUTH2_CONF.format(url=self.introspection_url)
            )
        self.conf.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                ssl=ssl,
                uid=self.uid,
                gid=self.gid,
                mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
                oauth2_passdb=OAUTH2_PASSDB.format(root=self.root) if oauth2 else "",
            )
        )
        # The daemon keeps inherited pipes open: give it no pipes to wait on.
        with (self.root / "start.log").open("wb") as out:
            subprocess.run(
                ["dovecot", "-c", str(self.conf)],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("Dovecot did not start:\n" + self.log())

    def stop(self) -> None:
        subprocess.run(
            ["doveadm", "-c", str(self.conf), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- users and messages ------------------------------------------------------------
    def add_user(self, username: str, password: str) -> None:
        home = self.root / "home" / username
        home.mkdir(exist_ok=True)
        os.chown(home, self.uid, self.gid)
        self.users[username] = password
        (self.root / "users" / username).write_text(
            f"{username}:{{PLAIN}}{password}:{self.uid}:{self.gid}::{home}\n"
        )
        with self.mailbox(username) as box:
            if not box.folder.exists("Sent"):
                box.folder.create("Sent")

    def mailbox(self, username: str) -> MailBoxUnencrypted:
        return MailBoxUnencrypted(self.host, self.port).login(username, self.users[username])

    def append(self, username: str, raw: bytes | list[bytes], folder: str = "INBOX") -> None:
        """Put one or more raw messages into a folder with IMAP APPEND."""
        messages = [raw] if isinstance(raw, bytes) else raw
        with self.mailbox(username) as box:
            for message in messages:
                box.client.append(folder, None, None, message)

    def recreate_folder(self, username: str, folder: str) -> None:
        """Delete and create a folder again: the server gives it a new UIDVALIDITY."""
        with self.mailbox(username) as box:
            box.folder.delete(folder)
            box.folder.create(folder)
