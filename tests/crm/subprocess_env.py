"""The environment of the servers and workers that tests start as subprocesses against
the test database (tests/crm/test_two_servers.py, tests/crm/test_two_workers.py, tests/crm/test_outage.py)."""

import os
import subprocess
import sys
from urllib.parse import quote

from django.db import connection

# The test run's own settings, which an operator's server would not have.
TEST_RUN_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "TEST_DATABASE",
    "AXES_",
    "REDIS_",
    "FILES_",
    "API_",
)


def database_url() -> str:
    """The test database (made by pytest-django), as an operator would write it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def production_env(**settings: str) -> dict[str, str]:
    """This process's environment less the test run's settings, with the production
    settings module (tests/crm/server_settings.py), the test database and ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(TEST_RUN_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.crm.server_settings",
        DATABASE_URL=database_url(),
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


def gunicorn(env: dict[str, str], *, port: int, logfile, cwd) -> subprocess.Popen:
    """A one-worker gunicorn serving the CRM on loopback ``port`` with ``env``, its output
    in ``logfile``; the caller waits for it to answer and stops it."""
    with open(logfile, "wb") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "crm.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                # Not the shared ~/.gunicorn/gunicorn.ctl of other servers on the machine.
                "--no-control-socket",
            ],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
