#!/usr/bin/env python
"""Time the lookalike checks of «Ny kontakt» and «Ny kunde» on a million contacts
(``make bench-duplicates``; issue 18 asks ≤ 50 ms per check).

Uses the benchmark database ``<name>_bench_duplicates``, loading 1,000,000 contacts and
2,000 companies with ``seed_demo`` unless they are there already (as ``benchmarks/
search.py`` does). Each check runs on 20 inputs taken from the data (so each one finds
its record) and on 20 that find nothing; three rounds, and the line gives the median of
the three rounds' medians. One JSON line per check:
{"check", "hit_ms", "miss_ms", "rounds_ms", "indexes", "seq_scans"} — ``indexes`` are the
indexes its plan uses, ``seq_scans`` any table it reads whole (there should be none). The
last lines time the whole check as the form asks it (POST, in-process, logged in).

With ``--pairs`` it instead times finding the pairs for the administrators' list
(``duplicates.pairs.pairs_find``, what ``manage.py find_duplicates`` runs nightly), once
per kind: {"pairs", "found", "seconds"}; and the list's first page reading them.
"""

import json
import random
import statistics
import sys
import time

from common import bench_user, calibrate, emit, setup_django

CONTACTS = 1_000_000
COMPANIES = 2_000
INPUTS = 20
ROUNDS = 3


def load():
    from django.core.management import call_command
    from django.test import override_settings

    from contacts.models import Contact

    if Contact.objects.count() >= CONTACTS:
        return
    started = time.monotonic()
    with override_settings(DEBUG=True):  # seed_demo runs only where DEBUG is on
        call_command("seed_demo", contacts=CONTACTS, companies=COMPANIES, quiet=False)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    emit({"load": "seed_demo", "seconds": round(time.monotonic() - started, 1)})


def _typed(e164: str) -> str:
    """A Norwegian number as people type it: «412 34 567»."""
    national = e164.removeprefix("+47")
    return f"{national[:3]} {national[3:5]} {national[5:]}"


def samples(rng):
    from companies.models import Company
    from contacts.models import Contact, ContactEmail

    top = Contact.objects.order_by("-id").values_list("id", flat=True).first()
    ids = [rng.randrange(1, top) for _ in range(INPUTS * 3)]
    people = list(
        Contact.objects.filter(id__in=ids)
        .exclude(mobile="")
        .exclude(postcode="")
        .values("id", "first_name", "last_name", "mobile", "postcode")[:INPUTS]
    )
    emails = list(
        ContactEmail.objects.filter(contact_id__in=ids).values_list("email", flat=True)[:INPUTS]
    )
    companies = list(
        Company.objects.exclude(org_number="")
        .order_by("?")
        .values("name", "org_number", "phone", "email", "postcode")[:INPUTS]
    )
    return people, emails, companies


def _time(call, inputs) -> float:
    timings = []
    for value in inputs:
        started = time.perf_counter()
        call(value)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _plan(call, value):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    indexes, seq_scans = set(), set()
    with CaptureQueriesContext(connection) as captured:
        call(value)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            raw = cursor.fetchone()[0]
            stack = [(json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]]
            while stack:
                node = stack.pop()
                stack.extend(node.get("Plans", []))
                if "Index Name" in node:
                    indexes.add(node["Index Name"])
                if node["Node Type"] == "Seq Scan":
                    seq_scans.add(node.get("Relation Name", ""))
    return sorted(indexes), sorted(seq_scans)


def pairs():
    from django.test import Client
    from django.urls import reverse

    from crm.users import crm_user_save
    from duplicates.pairs import pairs_find

    for kind in ("company", "contact"):
        started = time.monotonic()
        found = pairs_find(kind=kind)
        emit({"pairs": kind, "found": found, "seconds": round(time.monotonic() - started, 1)})
    admin, _ = crm_user_save(username="bench-admin", password=None, admin=True)
    client = Client()
    client.force_login(admin)
    url = reverse("duplicates:list")
    rounds = [_time(lambda page: client.get(url, {"page": page}), [1, 2, 3]) for _ in range(3)]
    emit({"page": "duplicates list", "ms": round(statistics.median(rounds), 2)})


def main():
    setup_django("bench_duplicates")
    load()
    if "--pairs" in sys.argv:
        pairs()
        return
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from duplicates import matching

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact; ANALYZE contacts_contactemail")
    rng = random.Random(18)
    people, emails, companies = samples(rng)
    misses = [f"ingen{n}@finnes.ikke" for n in range(INPUTS)]
    checks = {
        "contact/email": (
            lambda v: matching.contact_ids_by_email([v]),
            emails,
            misses,
        ),
        "contact/phone": (
            lambda v: matching.contact_ids_by_phone([v]),
            [_typed(str(p["mobile"])) for p in people],
            [f"9{n:02d} 00 0{n:02d}" for n in range(INPUTS)],
        ),
        "contact/name+postcode": (
            lambda v: matching.contact_ids_by_name(*v),
            [(p["first_name"], p["last_name"][:-1], p["postcode"]) for p in people],
            [("Zacharias", f"Qwertyson{n}", p["postcode"]) for n, p in enumerate(people)],
        ),
        "company/orgnr": (
            matching.company_ids_by_orgnr,
            [c["org_number"] for c in companies],
            ["974760673"] * INPUTS,
        ),
        "company/phone": (
            matching.company_ids_by_phone,
            [_typed(str(c["phone"])) for c in companies],
            [f"2{n:02d} 00 0{n:02d}" for n in range(INPUTS)],
        ),
        "company/email": (matching.company_ids_by_email, [c["email"] for c in companies], misses),
        "company/name+postcode": (
            lambda v: matching.company_ids_by_name(*v),
            [(c["name"], c["postcode"]) for c in companies],
            [(f"Qwerty Zyx {n} AS", c["postcode"]) for n, c in enumerate(companies)],
        ),
    }
    calibrate()
    for name, (call, hits, missing) in checks.items():
        found = sum(1 for value in hits if call(value))
        rounds_hit = [_time(call, hits) for _ in range(ROUNDS)]
        rounds_miss = [_time(call, missing) for _ in range(ROUNDS)]
        indexes, seq_scans = _plan(call, hits[0])
        emit(
            {
                "check": name,
                "found": f"{found}/{len(hits)}",
                "hit_ms": round(statistics.median(rounds_hit), 2),
                "miss_ms": round(statistics.median(rounds_miss), 2),
                "rounds_ms": [round(r, 2) for r in rounds_hit + rounds_miss],
                "indexes": indexes,
                "seq_scans": seq_scans,
            }
        )
    # The whole check as the form asks it: every signal at once, over HTTP in-process.
    client = Client()
    client.force_login(bench_user())
    url = reverse("duplicates:check_contact")
    forms = [
        {
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "postcode": p["postcode"],
            "mobile": _typed(str(p["mobile"])),
            "emails": email,
        }
        for p, email in zip(people, emails, strict=False)
    ]
    rounds = [_time(lambda data: client.post(url, data), forms) for _ in range(ROUNDS)]
    emit(
        {
            "check": "POST /duplicates/check/contact/ (all signals)",
            "ms": round(statistics.median(rounds), 2),
            "rounds_ms": [round(r, 2) for r in rounds],
        }
    )
    url = reverse("duplicates:check_company")
    rounds = [_time(lambda data: client.post(url, data), companies) for _ in range(ROUNDS)]
    emit(
        {
            "check": "POST /duplicates/check/company/ (all signals)",
            "ms": round(statistics.median(rounds), 2),
            "rounds_ms": [round(r, 2) for r in rounds],
        }
    )
    calibrate()


if __name__ == "__main__":
    main()
