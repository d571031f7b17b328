"""The probes: raw-SQL reads that run before a search's page, to choose how to read it.

**Distinct names** (:func:`name_probe`). Demo-like data (and real firms) have many people
per last name, so a name search plans from the *distinct* names rather than from the
rows: the probe lists them in the index's order with a loose index scan, one index probe
per distinct name (~8 µs each, ~2 ms for 100 names), and keeps those that match.
:mod:`search.selectors` then walks only the rows of those names.

**Noted contacts** (:func:`noted_contact_ids`). A note search matches contacts through
their notes: the trigram index finds the matching notes the user may read, a UNION of the
card tab's three routes their contacts, and the database hands back the ids as one array
literal with their number.

Each gives way (returns None) when the plan it feeds would not pay: more than
``PROBE_STEPS`` distinct names, more than ``NOTE_IDS_MAX`` noted contacts.

Why raw SQL: the loose index scan is a recursive CTE whose step is a ``LATERAL`` subquery
(``… WHERE key > previous ORDER BY key LIMIT 1``), and the same statement reads the
column's statistics from ``pg_stats``/``pg_class`` to decide whether to walk at all; the
ORM expresses none of these (no recursive CTE, no LATERAL, no catalog tables), and two
statements would cost a second round trip on every keystroke of a live search. The noted
contacts' ids are aggregated around the ORM's own query (``count(*)``, ``array_agg``) so
that Python receives one text instead of taking 40,000 rows apart; an aggregate over a
sliced (``LIMIT``) queryset is not something the ORM will build.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections

from contacts.models import Contact
from contacts.sorting import SORT_FROM, SORT_TO
from crm.replicas import read_alias

from .matching import visible_notes

# The most distinct names the probe walks before it gives way to the trigram plan.
PROBE_STEPS = 5000
# The most contacts a note search takes into Python; beyond that (notes matching on more
# than a tenth of a million contacts) it is planned like the other types.
NOTE_IDS_MAX = 100_000
# The array literal of no ids.
NO_IDS = "{}"

# Per search type, the index key the loose scan steps along (an expression of the alias
# ``c``) and the column it lists.
NAME_PROBES = {
    # contact_last_name_key_idx: Norwegian order, so the matching names give the walk's range.
    "last_name": (
        f"TRANSLATE(LOWER(c.last_name), '{SORT_FROM}', '{SORT_TO}') COLLATE \"C\"",
        "last_name",
    ),
    # contact_first_name_idx: any order will do; the names only select rows.
    "first_name": ("c.first_name", "first_name"),
}


def name_probe(type: str, term: str, *, starts: bool) -> list[tuple[str, str]] | None:
    """The distinct names that match, as (index key, name) in the index's order.

    A loose index scan (recursive CTE) steps from one distinct name to the next, one index
    probe each. It is only worth it while the names are few: None when the column's
    statistics (``pg_stats.n_distinct``, read in the same statement) or the walk itself
    find more than ``PROBE_STEPS`` of them, and the caller then plans without them.
    The term is matched as ``UPPER(name) LIKE UPPER(term)``, with ``%`` and ``_`` literal.
    """
    key, column = NAME_PROBES[type]
    assert "'" not in SORT_FROM + SORT_TO
    if key == f"c.{column}":  # a one-column index
        order, after = key, f"{key} > walk.name"
    else:
        order, after = "1, 2", f"({key}, c.{column}) > (walk.k, walk.name)"
    table = Contact._meta.db_table
    sql = f"""
        WITH RECURSIVE estimate(n) AS (
            SELECT COALESCE((
                SELECT CASE WHEN s.n_distinct >= 0 THEN s.n_distinct
                            ELSE -s.n_distinct * GREATEST(t.reltuples, 0) END
                FROM pg_stats s JOIN pg_class t ON t.oid = '{table}'::regclass
                WHERE s.schemaname = current_schema() AND s.tablename = '{table}'
                  AND s.attname = '{column}'
            ), 0)
        ), walk(k, name, n) AS (
            (SELECT {key}, c.{column}, 1 FROM {table} c
             WHERE (SELECT n FROM estimate) <= %(steps)s ORDER BY {order} LIMIT 1)
            UNION ALL
            SELECT nxt.k, nxt.name, walk.n + 1 FROM walk, LATERAL (
                SELECT {key} AS k, c.{column} AS name FROM {table} c
                WHERE {after} ORDER BY {order} LIMIT 1
            ) nxt
            WHERE walk.n <= %(steps)s
        )
        SELECT k, name, n FROM walk WHERE UPPER(name::text) LIKE UPPER(%(pattern)s) OR n > %(steps)s
        UNION ALL
        SELECT NULL, NULL, %(steps)s + 1 FROM estimate WHERE n > %(steps)s
        ORDER BY n
    """
    pattern = connection.ops.prep_for_like_query(term) + "%"
    if not starts:
        pattern = "%" + pattern
    # A read for the page: where the router sends the page's other reads (a replica).
    with connections[read_alias(Contact)].cursor() as cursor:
        cursor.execute(sql, {"steps": PROBE_STEPS, "pattern": pattern})
        rows = cursor.fetchall()
    if rows and rows[-1][2] > PROBE_STEPS:
        return None
    return [(key, name) for key, name, _n in rows]


def noted_contact_ids(user, term: str, *, starts: bool) -> tuple[int, str] | None:
    """How many contacts have a matching note the user may read, and their ids as an
    array literal (``{1,2,…}``), in one query: the trigram index finds the notes, a UNION
    their contacts, and the database joins the ids into one text so that Python need not
    take 40,000 rows apart. None when there are more than ``NOTE_IDS_MAX``."""
    notes = visible_notes(user, term, starts=starts)
    ids = notes.contact_ids(distinct=True).order_by()[: NOTE_IDS_MAX + 1]
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # no notes at all to read (no user)
        return 0, NO_IDS
    with connections[read_alias(notes.model)].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), COALESCE(array_agg(id)::text, '{NO_IDS}') FROM ({sql}) ids(id)",
            params,
        )
        count, literal = cursor.fetchone()
    if count > NOTE_IDS_MAX:
        return None
    return count, literal
