#!/usr/bin/env python
"""Time the streamed export of a million contacts (``make bench-export``).

Loads 1,000,000 contacts and 2,000 companies with ``seed_demo`` into the benchmark
database ``<name>_bench_export`` unless they are already there, then streams the CSV
export of all contacts (and the vCard export) in-process three times each, reading the
response chunk by chunk as a client would, and prints one JSON line per run and one with
the median: {"bench": "export", "format", "rows", "seconds", "rows_per_s", "mb",
"peak_mb"} (``mb``: the size of the file).
``peak_mb`` is the process's peak resident memory (``ru_maxrss``) after the run and
``start_mb`` the same before the first large export: flat memory means the two stay close
whatever the rows. ``--csv`` or ``--vcf`` runs one format only, ``--runs N`` N times.
"""

import resource
import sys
import time

from common import bench_user, emit, setup_django

CONTACTS = 1_000_000
COMPANIES = 2_000


def load():
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from contacts.models import Contact

    if Contact.objects.count() >= CONTACTS:
        return
    started = time.monotonic()
    with override_settings(DEBUG=True):  # seed_demo runs only where DEBUG is on
        call_command("seed_demo", contacts=CONTACTS, companies=COMPANIES, quiet=False)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    emit({"load": "seed_demo", "contacts": CONTACTS, "seconds": round(time.monotonic() - started)})


def peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(client, url: str, format: str) -> dict:
    """Stream the export as a client reads it, counting rows; memory is the process's
    peak so far (the response is never held whole)."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"BEGIN:VCARD") if format == "vcf" else chunk.count(b"\n")
    seconds = time.perf_counter() - started
    rows = lines if format == "vcf" else lines - 1  # the header line
    return {
        "bench": "export",
        "format": format,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "mb": round(size / 1e6, 1),
        "peak_mb": peak_mb(),
    }


def main():
    setup_django("bench_export")
    load()
    if "--seed-only" in sys.argv:
        return
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(bench_user())
    client.get(reverse("exports:list", args=["selection", "csv"]) + "?id=1")  # warm up
    start_mb = peak_mb()  # before any large export: the rest should not grow past it much
    formats = [f for f in ("csv", "vcf") if f"--{f}" in sys.argv] or ["csv", "vcf"]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    for format in formats:
        url = reverse("exports:list", args=["all", format]) + "?kind=contact"
        results = []
        for _ in range(runs):
            result = run(client, url, format)
            result["start_mb"] = start_mb
            emit({**result, "run": len(results) + 1})
            results.append(result)
        median = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
        emit({**median, "median_of": runs})


if __name__ == "__main__":
    main()
