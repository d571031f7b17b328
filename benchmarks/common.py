"""Shared set-up for benchmark scripts: a database of their own, timing, JSON lines.

Benchmarks run in-process with Django's test client against a separate database
(``<name>_bench`` beside the one DATABASE_URL names), migrated on first use and kept, so
expensive data is built once. They print one JSON line per measurement.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(suffix: str = "bench") -> None:
    from crm import devdb

    url = os.environ.get("DATABASE_URL") or devdb.url()
    base, _, name = url.rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{name}_{suffix}"
    devdb._ensure_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    # Started as gunicorn starts a worker: the URLconf imported and the objects so far
    # frozen out of the garbage collector's sight (crm/wsgi.py).
    import crm.wsgi  # noqa: F401


def bench_user():
    from crm.users import crm_user_save

    user, _ = crm_user_save(username="bench", password=None, admin=False)
    return user


def time_get(client, url: str, runs: int = 30, warmup: int = 3, before=None, **headers) -> dict:
    """GET ``url`` ``warmup`` times, then ``runs`` times; p50/p95 in ms and the query count.
    ``headers`` go with each request (``HTTP_AUTHORIZATION=…`` for the API); ``before()``,
    if given, runs before each request, outside its time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = before or (lambda: None)
    for _ in range(warmup):
        before()
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
    before()
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    # Count now: each request clears the query log when it starts.
    query_count = len(captured)
    samples = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "queries": query_count,
    }


def db_time(client, url: str, runs: int = 10, **headers) -> float:
    """The mean milliseconds a GET of ``url`` spends in the database driver (each query's
    execute, timed around the cursor), for reading a page's time against its queries'."""
    from django.db import connection

    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        for _ in range(runs):
            client.get(url, **headers)
    return spent[0] * 1000 / runs


def profile_get(client, url: str, label: str, runs: int = 30, top: int = 15, **headers) -> None:
    """Profile ``runs`` GETs of ``url`` (cProfile) and print where the time goes, per
    request: {"profile": label, "total_ms", "db_ms", "top_self": […], "top_cumulative": […]}
    — the functions with the most time of their own, and those with the most time under
    them (without the wrappers that hold nearly all of it), as [function, ms, calls]."""
    import cProfile
    import pstats

    for _ in range(3):
        client.get(url, **headers)
    db_ms = db_time(client, url, **headers)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        client.get(url, **headers)
    profiler.disable()
    total_ms = (time.perf_counter() - started) * 1000 / runs
    stats = pstats.Stats(profiler).stats

    def name(func):
        path, line, function = func
        if path.startswith("~"):
            return function
        for marker in ("site-packages/", str(ROOT) + "/"):
            if marker in path:
                path = path.split(marker, 1)[1]
        return f"{path}:{line}({function})"

    rows = [
        (name(func), tt * 1000 / runs, ct * 1000 / runs, nc / runs)
        for func, (_cc, nc, tt, ct, _callers) in stats.items()
    ]
    by_self = sorted(rows, key=lambda row: -row[1])[:top]
    # Without the wrappers (the handler, middleware chain, test client) that hold it all.
    under = [row for row in rows if row[2] < 0.6 * total_ms]
    by_cumulative = sorted(under, key=lambda row: -row[2])[:top]
    emit(
        {
            "profile": label,
            "total_ms": round(total_ms, 2),
            "db_ms": round(db_ms, 2),
            "top_self": [[n, round(tt, 3), round(nc, 1)] for n, tt, _ct, nc in by_self],
            "top_cumulative": [
                [n, round(ct, 3), round(nc, 1)] for n, _tt, ct, nc in by_cumulative
            ],
        }
    )


def emit(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def calibrate() -> None:
    """Print how fast this machine runs a fixed pure-Python loop right now (best of three).

    A shared machine's speed drifts (seen here: the same loop in 370–610 ms a few
    seconds apart), so a run's figures are read against the calibration lines printed
    before and after it.
    """
    best = None
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i
        elapsed = (time.perf_counter() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    emit({"calibration": "python loop, 1M steps", "ms": round(best, 1)})
