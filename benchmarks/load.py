#!/usr/bin/env python
"""The load test (``make load``): gunicorn on the million-contact database, locust against
it on loopback, an open model stepped through 25, 50, 100 and 150 requests/s.

Builds (or finds) the million-contact database (``benchmarks/million.py``), makes the
users' sessions there directly (a login costs ~0.2 s of password hashing; the load is
what is measured, not the set-up), collects the static files once into ``.bench/static``,
starts gunicorn with the production settings on a free loopback port and runs
``benchmarks/locustfile.py`` headless, bounded in time (steps × ``--step-seconds``). Prints
the calibration line, then one JSON line per step (see the locustfile), then the
calibration again.

``--worker-class``, ``--workers`` and ``--threads`` choose gunicorn's model (the
Dockerfile's defaults are the ones chosen by this test); ``--login-storm N`` adds a last
step where N users log in within 10 s while the lightest rate goes on.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import ROOT, bench_user, calibrate, emit
from million import setup

SESSIONS = 20
STORM_PASSWORD = "lasttest-innlogging-2026"
TABS = ["notes", "activity", "companies", "history"]
SEARCHES = [
    {"q": "hanse"},
    {"q": "sen"},
    {"q": "bø"},
    {"q": "thorhansen"},
    {"q": "kar", "type": "first_name"},
    {"q": "ola n", "type": "full_name"},
    {"q": "hansen12", "type": "email"},
    {"q": "412 34", "type": "phone"},
    {"q": "as", "kind": "company"},
    {"q": "kontrakt 12", "type": "note"},
    {"q": "møte", "type": "note"},
]


def prepare(storm: int) -> dict:
    """Sessions, contact ids and the storm's users, in the million-contact database."""
    from django.conf import settings
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils.crypto import get_random_string

    from crm.users import crm_user_save

    user = bench_user()
    sessions = []
    for _ in range(SESSIONS):
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    with connection.cursor() as cursor:
        # About 2,000 contacts spread over the million (a 0.2 % block sample).
        cursor.execute("SELECT id FROM contacts_contact TABLESAMPLE SYSTEM (0.2)")
        contacts = [row[0] for row in cursor.fetchall()]
    # The storm's users share one password hash, made once with the production hasher
    # (the test settings hash with MD5): what each login checks is the real cost.
    encoded = Argon2PasswordHasher().encode(STORM_PASSWORD, get_random_string(22))
    storm_users = []
    for i in range(storm):
        username = f"lasttest{i:03d}"
        member, created = crm_user_save(username=username, password=None, admin=False)
        if created or member.password != encoded:
            member.password = encoded
            member.save(update_fields=["password"])
        storm_users.append(username)
    return {
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf": get_random_string(32),
        "contacts": contacts,
        "searches": SEARCHES,
        "tabs": TABS,
        "note_url": reverse("activities:note_create"),
        "storm_users": storm_users,
        "storm_password": STORM_PASSWORD,
    }


def warm_up(port: int, data: dict, rounds: int) -> None:
    """Each kind of page a few times before the clock starts: a fresh worker's first
    requests load templates, translations and the URL map (seconds, not load)."""
    import http.client
    from urllib.parse import urlencode

    cookie = f"{data['session_cookie']}={data['sessions'][0]}"
    paths = [f"/contacts/{data['contacts'][0]}/", f"/search/?{urlencode(SEARCHES[0])}"]
    paths += [f"/contacts/{data['contacts'][0]}/{tab}/" for tab in TABS]
    paths += [f"/search/?{urlencode(params)}" for params in SEARCHES]
    for _ in range(rounds):
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                raise SystemExit(f"warm-up: {path} answered {response.status}")


def workers_cpu_seconds(master: int) -> float:
    """The CPU seconds (user + system) gunicorn's workers have used so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{master}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def server_side(access_log: Path, started: float, step_seconds: float, labels: list[str]):
    """Per step, the requests' own times as gunicorn logged them (``%(D)s``): from the
    worker taking the request to its answer, without the wait for a free worker or the
    load generator's own delays. Locust on the same two cores adds some of its own: on
    this machine 20 ms at p50 to a 2 ms ``/healthz`` with 50 users, where a bare gevent
    client sees 2 ms. Both are printed; neither alone is the whole truth."""
    from datetime import datetime

    settle = float(os.environ.get("LOAD_SETTLE_SECONDS", "5"))
    times: dict[int, list[float]] = {}
    for line in access_log.read_text().splitlines():
        stamp, _, micros = line.rpartition(" ")
        try:
            when = datetime.strptime(stamp.strip("[]"), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        except ValueError:
            continue
        offset = when - started
        index = int(offset // step_seconds)
        if 0 <= index < len(labels) and offset - index * step_seconds >= settle:
            times.setdefault(index, []).append(int(micros) / 1000)
    for index, label in enumerate(labels):
        values = sorted(times.get(index, []))
        if not values:
            continue
        yield {
            "server_side": label,
            "requests": len(values),
            "p50_ms": round(values[len(values) // 2], 1),
            "p95_ms": round(values[min(len(values) - 1, int(len(values) * 0.95))], 1),
            "p99_ms": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1),
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--steps", default="25,50,100,150")
    parser.add_argument("--step-seconds", type=float, default=30)
    parser.add_argument("--login-storm", type=int, default=0, metavar="N")
    args = parser.parse_args()

    # One secret for this process (which makes the sessions) and gunicorn (which reads them).
    os.environ["DJANGO_SECRET_KEY"] = "load-" + secrets.token_urlsafe(48)
    setup()
    data = prepare(args.login_storm)
    bench = ROOT / ".bench"
    bench.mkdir(exist_ok=True)
    data_file = bench / "load.json"
    data_file.write_text(json.dumps(data))
    static = bench / "static"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings.base",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_SECURE_SSL_REDIRECT", None)
    if not (static / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    port = free_port()
    access_log = bench / "access.log"
    access_log.unlink(missing_ok=True)
    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "crm.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        args.worker_class,
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
        # Each request's own time in the server (microseconds), beside what locust saw.
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        "%(t)s %(D)s",
    ]
    if args.worker_class == "gthread":
        gunicorn += ["--threads", str(args.threads)]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not come up") from None
                time.sleep(0.5)
        warm_up(port, data, rounds=3 * args.workers)
        steps = args.steps.split(",")
        emit(
            {
                "load": "gunicorn",
                "worker_class": args.worker_class,
                "workers": args.workers,
                "threads": args.threads if args.worker_class == "gthread" else 1,
                "steps": steps,
                "step_seconds": args.step_seconds,
                "login_storm": args.login_storm,
                "cpus": os.cpu_count(),
            }
        )
        calibrate()
        total = args.step_seconds * (len(steps) + (1 if args.login_storm else 0))
        cpu_before = workers_cpu_seconds(server.pid)
        started = time.time()
        locust = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--run-time",
                f"{int(total) + 10}s",
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--skip-log-setup",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOAD_DATA": str(data_file),
                "LOAD_STEPS": args.steps,
                "LOAD_STEP_SECONDS": str(args.step_seconds),
                "LOAD_LOGIN_STORM": str(args.login_storm),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        answered = 0
        for line in locust.stdout:
            print(line, end="", flush=True)
            if line.startswith('{"step"'):
                step = json.loads(line)
                answered += step["requests"] + step["by_name"].get("login", {}).get("n", 0)
        locust.wait()
        labels = [f"{rate}/s" for rate in steps] + (
            [f"{steps[0]}/s + logins"] * bool(args.login_storm)
        )
        for record in server_side(access_log, started, args.step_seconds, labels):
            emit(record)
        cpu = workers_cpu_seconds(server.pid) - cpu_before
        # What a request costs gunicorn's workers in CPU, whatever else the machine runs:
        # the figure to size a server by (the database's own CPU comes on top).
        emit(
            {
                "gunicorn_cpu_seconds": round(cpu, 1),
                "requests": answered,
                "cpu_ms_per_request": round(cpu * 1000 / max(answered, 1), 1),
            }
        )
        calibrate()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
