#!/usr/bin/env python
"""Time the search hit list on a million contacts (``make bench-search``).

Loads 1,000,000 contacts and 2,000 companies with ``seed_demo`` into the benchmark
database ``<name>_bench_search`` unless they are already there (and prints how long that
took), then times ``/search/`` end to end in-process (test client, logged in) for each
term: 30 runs after a warm-up. One JSON line per term:
{"term", "type", "hits", "p50_ms", "p95_ms", "queries"}.
"""

import time

from common import bench_user, emit, setup_django, time_get

CONTACTS = 1_000_000
COMPANIES = 2_000
# (label, query parameters): frequent and rare last-name substrings, two-letter terms
# (no trigram), Norwegian letters, an e-mail fragment and a phone fragment typed with a
# space.
TERMS = [
    ("hanse", {"q": "hanse"}),
    ("sen", {"q": "sen"}),
    ("ol", {"q": "ol"}),
    ("bø", {"q": "bø"}),
    ("thorhansen", {"q": "thorhansen"}),
    ("qxz", {"q": "qxz"}),
    ("hansen12", {"q": "hansen12", "type": "email"}),
    ("412 34", {"q": "412 34", "type": "phone"}),
    ("hanse+mine", {"q": "hanse", "selection": "mine"}),
    ("sen+private", {"q": "sen", "selection": "private"}),
    ("as/company", {"q": "as", "kind": "company"}),
]


def load():
    from django.core.management import call_command

    from contacts.models import Contact

    if Contact.objects.count() >= CONTACTS:
        return
    started = time.monotonic()
    call_command("seed_demo", contacts=CONTACTS, companies=COMPANIES, quiet=False)
    from django.db import connection

    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, so the walks are index-only.
        cursor.execute("VACUUM ANALYZE")
    emit(
        {
            "load": "seed_demo",
            "contacts": CONTACTS,
            "companies": COMPANIES,
            "seconds": round(time.monotonic() - started, 1),
        }
    )


def main():
    setup_django("bench_search")
    load()
    from urllib.parse import urlencode

    from django.http import QueryDict
    from django.test import Client
    from django.urls import reverse

    from search.selectors import search

    user = bench_user()
    client = Client()
    client.force_login(user)
    for label, params in TERMS:
        query = urlencode(params)
        result = search(params=QueryDict(query), user=user)
        hits = f"over {result.count}" if result.over_cap else result.count
        url = f"{reverse('search:results')}?{query}"
        kind = params.get("kind", "contact")
        emit(
            {
                "term": label,
                "kind": kind,
                "type": params.get("type", "last_name"),
                "hits": hits,
                **time_get(client, url),
            }
        )


if __name__ == "__main__":
    main()
