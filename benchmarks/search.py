#!/usr/bin/env python
"""Time the search hit list on a million contacts (``make bench-search``).

Loads 1,000,000 contacts and 2,000 companies with ``seed_demo`` into the benchmark
database ``<name>_bench_search`` unless they are already there (and prints how long that
took), and 1,000,000 notes on them (``benchmarks/million.py``), then times ``/search/``
end to end in-process (test client, logged in) for each term: 30 runs after a warm-up. One JSON line per term:
{"term", "type", "hits", "p50_ms", "p95_ms", "queries"}; a line for the start page,
{"page": "home", …}; and the API's contact list (``/api/v1/contacts``, a token's
request, the first page of 50) for the last-name terms, {"api": term, …} (issue #21's
measure: p95 ≤ 30 ms, ≤ 5 queries).

The typing dropdown (``/search/suggest/``, issue #19: p95 ≤ 30 ms for any three-letter
prefix) is timed for ``SUGGEST_PREFIXES``, one line each {"suggest", "options", …};
``--suggest`` times only those; term labels given as arguments (``"møte/note"``) time
only those terms.

With ``--profile`` each page is instead profiled (cProfile, 30 runs) and one line each
says where its time goes: {"profile", "total_ms", "db_ms", "top_self", "top_cumulative"}
(``common.profile_get``); ``--suggest --profile`` profiles the dropdown only.

With ``--explain`` it instead runs every search type × match × kind, with a three-letter
and a two-letter term, under ``EXPLAIN (ANALYZE)`` and prints one JSON line each:
{"explain", "kind", "type", "match", "term", "plan", "indexes", "seq_scans", "db_ms"} —
``seq_scans`` names any table read whole with its row count (only small tables should
appear: there a sequential scan is the right plan), ``indexes`` the indexes the plans used, ``db_ms`` the summed execution time of the search's queries.
"""

import functools
import sys

from common import bench_user, calibrate, emit, profile_get, time_get
from million import setup

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
    # E-mail: an address part in a third of them, and a frequent part of a surname, whose
    # contacts lie together in the name order (both from the addresses' words); with digits
    # («hansen12») from the addresses' keys.
    ("gmail/email", {"q": "gmail", "type": "email"}),
    ("hansen/email", {"q": "hansen", "type": "email"}),
    ("412 34", {"q": "412 34", "type": "phone"}),
    ("hanse+mine", {"q": "hanse", "selection": "mine"}),
    ("sen+private", {"q": "sen", "selection": "private"}),
    ("as/company", {"q": "as", "kind": "company"}),
    # The other types: first names (planned from their distinct values) and full names.
    ("kar/first_name", {"q": "kar", "type": "first_name"}),
    ("ola n/full_name", {"q": "ola n", "type": "full_name"}),
    # Note text (1,000,000 notes): a word in a quarter of them, and a rare phrase.
    ("møte/note", {"q": "møte", "type": "note"}),
    # The same, each time as the first in five minutes: the proof of «over 10 000» is
    # not remembered (search.probe.NOTE_PROOF_SECONDS) and the probe reads the notes.
    ("møte/note first", {"q": "møte", "type": "note"}),
    ("kontrakt 12/note", {"q": "kontrakt 12", "type": "note"}),
]

# Three-letter prefixes as typed into the dropdown: frequent and rare name runs, Norwegian
# letters, a first-name-like run, and one that matches nothing.
SUGGEST_PREFIXES = ["han", "sen", "ols", "ber", "joh", "kar", "and", "øst", "bjø", "lie", "qxz"]


def time_suggest(client, profile: bool = False):
    """The typing dropdown for each prefix: the first hits, nothing counted."""
    from django.urls import reverse

    url = reverse("search:suggest")
    for prefix in SUGGEST_PREFIXES:
        if profile:
            profile_get(client, f"{url}?q={prefix}", f"suggest {prefix}")
            continue
        response = client.get(url, {"q": prefix})
        emit(
            {
                "suggest": prefix,
                "options": response.content.count(b'data-testid="suggestion"'),
                **time_get(client, f"{url}?q={prefix}"),
            }
        )


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _rows(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        return max(cursor.fetchone()[0], 0)


def explain_all(user):
    """EXPLAIN (ANALYZE) every search type's queries on the million rows."""
    import json

    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from search.filters import KIND_CHOICES, MATCH_CHOICES, TYPE_CHOICES
    from search.selectors import search

    samples = {
        "last_name": ("han", "ha"),
        "first_name": ("kar", "ka"),
        "full_name": ("ola", "ol"),
        "email": ("hansen1", "ha"),
        "phone": ("4123", "41"),
        "customer_number": ("123", "12"),
        "note": ("møte", "mø"),
    }
    for kind, _label in KIND_CHOICES:
        for type_, _label in TYPE_CHOICES:
            if kind == "company" and type_ not in ("last_name", "customer_number", "note"):
                continue  # a company search matches its name whatever the type says
            for match, _label in MATCH_CHOICES:
                for term in samples.get(type_, ("han", "ha")):
                    params = QueryDict(mutable=True)
                    params.update({"q": term, "kind": kind, "type": type_, "match": match})
                    with CaptureQueriesContext(connection) as captured:
                        result = search(params=params, user=user)
                    indexes, seq_scans, db_ms = set(), set(), 0.0
                    with connection.cursor() as cursor:
                        for query in captured.captured_queries:
                            if query["sql"].startswith("EXPLAIN"):  # the note search's probe
                                continue
                            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                            raw = cursor.fetchone()[0]
                            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                            db_ms += plan["Execution Time"]
                            for node in _plan_nodes(plan["Plan"]):
                                if "Index Name" in node:
                                    indexes.add(node["Index Name"])
                                table = node.get("Relation Name", "")
                                # pg_stats' catalogs, read by the names probe, are tiny.
                                if node["Node Type"] == "Seq Scan" and not table.startswith("pg_"):
                                    seq_scans.add(table)
                    if result.filterset.errors:
                        # Too short for this type: refused with a message, nothing run.
                        emit(
                            {
                                "explain": f"{kind}/{type_}/{match}",
                                "term": term,
                                "refused": " ".join(
                                    str(e) for es in result.filterset.errors.values() for e in es
                                ),
                                "queries": len(captured.captured_queries),
                            }
                        )
                        continue
                    emit(
                        {
                            "explain": f"{kind}/{type_}/{match}",
                            "term": term,
                            "plan": result.plan,
                            "hits": result.count,
                            "indexes": sorted(indexes),
                            "seq_scans": {table: _rows(table) for table in sorted(seq_scans)},
                            "db_ms": round(db_ms, 2),
                        }
                    )


def main():
    setup()
    if "--explain" in sys.argv:
        explain_all(bench_user())
        return
    from urllib.parse import urlencode

    from django.core.cache import cache
    from django.http import QueryDict
    from django.test import Client
    from django.urls import reverse

    from search.probe import note_proof_key
    from search.selectors import count_cap, search

    user = bench_user()
    client = Client()
    client.force_login(user)
    calibrate()
    profile = "--profile" in sys.argv
    if "--suggest" in sys.argv:
        time_suggest(client, profile)
        return
    # Term labels named on the command line time those terms alone.
    only = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    for label, params in TERMS:
        if only and label not in only:
            continue
        query = urlencode(params)
        if profile:
            profile_get(client, f"{reverse('search:results')}?{query}", label)
            continue
        result = search(params=QueryDict(query), user=user)
        hits = f"over {result.count}" if result.over_cap else result.count
        url = f"{reverse('search:results')}?{query}"
        kind = params.get("kind", "contact")
        # «… first»: the user's proof forgotten before each request, as a search not made lately.
        before = None
        if label.endswith(" first"):
            key = note_proof_key(user, params["q"], starts=False, cap=count_cap())
            before = functools.partial(cache.delete, key)
        emit(
            {
                "term": label,
                "kind": kind,
                "type": params.get("type", "last_name"),
                "hits": hits,
                **time_get(client, url, before=before),
            }
        )
    if only:
        calibrate()
        return
    # The start page (recently added contacts and companies) on the same million.
    time_suggest(client, profile)
    if profile:
        profile_get(client, reverse("home"), "home")
        calibrate()
        return
    emit({"page": "home", **time_get(client, reverse("home"))})
    time_api(user)
    calibrate()


# The API's contact list with the panel's terms (api/endpoints/contacts.py).
API_TERMS = [
    "hanse",
    "sen",
    "ol",
    "bø",
    "thorhansen",
    "qxz",
    "hanse&selection=mine",
    # E-mail: a part of a surname and an address part (the addresses' words).
    "hansen&type=email",
    "gmail&type=email",
]


def time_api(user):
    from django.conf import settings
    from django.test import Client

    from api.services import token_create

    settings.API_RATE_LIMIT = (1_000_000, 60)  # the benchmark is not what is limited
    _token, secret = token_create(user=user, name="bench")
    client = Client()  # no session: the token alone
    for term in API_TERMS:
        url = f"/api/v1/contacts?q={term}"
        hits = len(client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"])
        emit(
            {
                "api": term,
                "hits_on_page": hits,
                **time_get(client, url, HTTP_AUTHORIZATION=f"Bearer {secret}"),
            }
        )


if __name__ == "__main__":
    main()
