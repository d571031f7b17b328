"""The million-contact benchmark database (``<name>_bench_search``), shared by
``benchmarks/search.py``, ``benchmarks/card.py`` and the load test (``make load``).

:func:`load` fills it with 1,000,000 contacts and 2,000 companies (``seed_demo``) unless
they are there, and :func:`load_notes` tops it up to 1,000,000 notes (30 % private):
``seed_demo`` writes notes on a few cards only. Both are idempotent, so the expensive data
is built once and kept.
"""

import time

from common import emit, setup_django

CONTACTS = 1_000_000
COMPANIES = 2_000
NOTES = 1_000_000
# A quarter of the notes hold «møte» (two texts of eight); «kontrakt 12» is a rare phrase
# (a contract text whose number starts with 12: about 0.15 % of the notes).
NOTE_TEXTS = [
    "Ringte om tilbud",
    "Årsmøte i mars",
    "Sendte kontrakt",
    "Purring på faktura",
    "Julebord",
    "Oppfølging etter møte",
    "Ønsker demo",
    "Bytte av leverandør",
]
SUFFIX = "bench_search"


def setup() -> None:
    """Django on the million-contact database, filled if it is not yet."""
    setup_django(SUFFIX)
    load()
    load_notes()


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


def load_notes():
    """Notes on the contacts up to ``NOTES`` in all, set-based: the ``g``-th note goes on
    contact ``g × 13 mod CONTACTS`` (13 is prime to a million, so a million notes put
    one on each contact), 30 % private to the first user. A database with fewer notes (the
    200,000 of earlier runs) is topped up from where it stopped; one with enough is left
    alone."""
    from django.db import connection

    from activities.models import Note

    have = Note.objects.count()
    if have >= NOTES:
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO activities_note (created_at, updated_at, text, private, author_id, contact_id)
            SELECT now() - make_interval(secs => %(notes)s - g),
                   now() - make_interval(secs => %(notes)s - g),
                   (%(texts)s::text[])[1 + g %% %(n_texts)s] || ' ' || (g::bigint * 7919 %% 1000003)::text,
                   g %% 10 < 3, (SELECT min(id) FROM auth_user), c.id
            FROM generate_series(%(first)s, %(notes)s) g
            JOIN contacts_contact c
              ON c.id = (SELECT min(id) FROM contacts_contact) + g * 13 %% %(contacts)s
            """,
            {
                "texts": NOTE_TEXTS,
                "n_texts": len(NOTE_TEXTS),
                "first": have + 1,
                "notes": NOTES,
                "contacts": CONTACTS,
            },
        )
        cursor.execute("VACUUM ANALYZE activities_note")
    emit(
        {
            "load": "notes",
            "notes": NOTES,
            "added": NOTES - have,
            "seconds": round(time.monotonic() - started, 1),
        }
    )
