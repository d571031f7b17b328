#!/usr/bin/env python
"""Time the contact card and each of its tabs (``make bench-card``).

The card is measured in the million-contact database (``benchmarks/million.py``, the one
``make bench-search`` builds: 1,000,000 contacts, 1,000,000 notes), for a contact among
them with 50 company links. Each tab adds a module in
``benchmarks/card_tabs/`` with ``TAB`` (the slug) and ``build(contact)`` that gives the
benchmark contact the rows the tab shows (idempotent: it may find them already there).
Prints one JSON line per page: {"page": "card/<tab>", "p50_ms", "p95_ms", "queries"}; and
one for the company page of a firm with 200 people ({"page": "company", …}).

With ``--profile`` each page is instead profiled (cProfile) and one line each says where
its time goes: {"profile", "total_ms", "db_ms", "top_self", "top_cumulative"}.
"""

import importlib
import pkgutil

from common import bench_user, calibrate, emit, profile_get, time_get
from million import setup


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="page names to time, e.g. card card/files")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="profile each page instead")
    args = parser.parse_args()
    wanted = set(args.only or [])

    def measure(client, page, url):
        if wanted and page not in wanted:
            return
        if args.profile:
            profile_get(client, url, page, runs=args.runs)
        else:
            emit({"page": page, **time_get(client, url, runs=args.runs)})

    setup()
    from django.test import Client
    from django.urls import reverse

    from companies.models import Company, CompanyLink
    from contacts.models import Contact

    contact, _ = Contact.objects.get_or_create(first_name="Benk", last_name="Kontaktkort")
    if CompanyLink.objects.filter(contact=contact).count() < 50:
        for i in range(50):
            company, _ = Company.objects.get_or_create(name=f"Benkefirma {i:02d} AS")
            CompanyLink.objects.get_or_create(
                contact=contact, company=company, defaults={"position": "Konsulent"}
            )
    client = Client()
    client.force_login(bench_user())
    calibrate()
    measure(client, "card", reverse("contacts:detail", args=[contact.pk]))
    htmx = Client(headers={"HX-Request": "true"})
    htmx.force_login(bench_user())
    measure(htmx, "card/companies", reverse("contacts:tab", args=[contact.pk, "companies"]))
    # The company page of a firm with 200 people (its people tab pages them).
    company = Company.objects.get(name="Benkefirma 00 AS")
    if CompanyLink.objects.filter(company=company).count() < 200:
        for i in range(200):
            person, _ = Contact.objects.get_or_create(
                first_name=f"Ansatt {i:03d}", last_name="Benk"
            )
            CompanyLink.objects.get_or_create(
                contact=person, company=company, defaults={"position": "Rådgiver"}
            )
    measure(client, "company", reverse("companies:detail", args=[company.pk]))
    import card_tabs

    for info in sorted(pkgutil.iter_modules(card_tabs.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"card_tabs.{info.name}")
        if wanted and f"card/{module.TAB}" not in wanted:
            continue
        module.build(contact)
        analyze_small_tables()
        measure(htmx, f"card/{module.TAB}", reverse("contacts:tab", args=[contact.pk, module.TAB]))

    calibrate()


def analyze_small_tables():
    """Statistics for what a build just added, as autovacuum would give them in time: a
    table of a few hundred rows that gets 30 more is not analysed again by itself, and its
    stale statistics (the benchmark contact's id is above any it knew) made the planner
    walk all million contacts in a merge join (the files tab: 160 ms instead of 2 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables "
            "WHERE n_live_tup < 100000 AND n_mod_since_analyze > 0"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {table}")


if __name__ == "__main__":
    main()
