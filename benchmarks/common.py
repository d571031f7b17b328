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


def bench_user():
    from crm.users import crm_user_save

    user, _ = crm_user_save(username="bench", password=None, admin=False)
    return user


def time_get(client, url: str, runs: int = 30, warmup: int = 3, **headers) -> dict:
    """GET ``url`` ``warmup`` times, then ``runs`` times; p50/p95 in ms and the query count.
    ``headers`` go with each request (``HTTP_AUTHORIZATION=…`` for the API)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    # Count now: each request clears the query log when it starts.
    query_count = len(captured)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "queries": query_count,
    }


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
