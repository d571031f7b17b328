"""The probes: raw-SQL reads that run before a search's page, to choose how to read it.

**Distinct names** (:func:`name_probe`). Demo-like data (and real firms) have many people
per last name, so a name search plans from the *distinct* names rather than from the
rows: the probe lists them in the index's order with a loose index scan, one index probe
per distinct name (~8 µs each, ~2 ms for 100 names), and keeps those that match.
:mod:`search.selectors` then walks only the rows of those names.

**Noted contacts** (:func:`noted_contact_ids`). A note search matches contacts through
their notes: the trigram index finds the matching notes the user may read, once (a
``MATERIALIZED`` CTE, ``NoteQuerySet.contact_ids_sql``), a UNION of the card tab's three
routes their contacts, and the database hands back the ids as one array literal with
their number.

**The note plan** (:func:`note_probe`): the same statement estimates how many notes match
from the trigram index's statistics and then either proves a frequent word's count over
the cap from the newest notes or collects a rarer word's noted contacts.

**The e-mail plan** (:func:`email_probe`): the same estimate from the statistics of the
e-mail trigram index tells a term in a third of the addresses («gmail») from a rare one,
to plan an e-mail search as a walk of the contacts or from the matches, and for a
frequent one proves the count over the cap from the first addresses.

**The address words** (:func:`email_words`): for a term of letters only, the distinct
words of the addresses that hold it, each word's first contacts in name order, and their
count, in one statement (:mod:`search.models`).

Both proofs of «over the cap» first look for the term's usual spellings as they are
written (``matching.spellings``: a plain ``LIKE``, without ``UPPER()`` of each row's
text), which is evidence enough when it finds more than the cap.

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

import hashlib
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections

from activities.models import Note
from contacts.models import Contact, ContactEmail
from contacts.sorting import SORT_FROM, SORT_TO
from crm.replicas import read_alias

from .matching import spellings, visible_notes
from .models import AddressWord, KnownWord

# The most distinct names the probe walks before it gives way to the trigram plan.
PROBE_STEPS = 5000
# The most contacts a note search takes into Python; beyond that (notes matching on more
# than a tenth of a million contacts) it is planned like the other types.
NOTE_IDS_MAX = 100_000
# The array literal of no ids.
NO_IDS = "{}"
# From this many matching notes (the planner's estimate) on, a note search walks the
# contacts in name order instead of collecting the noted contacts (see note_probe).
NOTE_WALK_FROM = 20_000
# The trigram index on the notes' text (activities/0002): its expression's statistics.
NOTE_TEXT_INDEX = "note_text_trgm"
# From this share of the addresses matching (the estimate) on, an e-mail search walks the
# contacts in name order: spread evenly, 50 hits lie within the first 1,000 contacts.
EMAIL_WALK_SHARE = 0.05
# The most words of the addresses a term may match for the e-mail search to walk them
# (see email_words): each costs an index probe and a walk of up to a page.
EMAIL_WORDS_MAX = 500
# The trigram index on the contacts' e-mail addresses (contacts/0002).
EMAIL_INDEX = "contact_email_trgm"
# How many times the rows that the estimate says hold ``cap + 1`` matches the evidence of
# «over the cap» reads at most before it gives way (see email_probe, note_probe).
EVIDENCE_READS = 3
# Seconds a user's proof that a frequent word's notes concern more than the cap of
# contacts is remembered (Django's cache: shared by the servers through Redis). Within
# them the same search skips its probe, the statement that reads tens of thousands of
# notes for the proof (12 ms for «møte» on a million); the page itself is read afresh.
NOTE_PROOF_SECONDS = 300

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
    pattern = like_pattern(term, starts=starts)
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
    try:
        sql, params = notes.contact_ids_sql(distinct=True)
    except EmptyResultSet:  # no notes at all to read (no user)
        return 0, NO_IDS
    with connections[read_alias(notes.model)].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), COALESCE(array_agg(id)::text, '{NO_IDS}')"
            f" FROM ({sql} LIMIT %s) ids(id)",
            (*params, NOTE_IDS_MAX + 1),
        )
        count, literal = cursor.fetchone()
    if count > NOTE_IDS_MAX:
        return None
    return count, literal


def _estimated_share(index: str) -> str:
    """SQL for the share of a table's rows that match a ``LIKE`` pattern on the expression
    of its trigram index ``index``, estimated as PostgreSQL's planner does: from the
    expression's statistics (``pg_stats`` of the index: its most common values and its
    histogram, tested against the pattern). Two ``%s``, both the pattern."""
    return f"""COALESCE((
            SELECT (SELECT COALESCE(sum(f), 0) FROM unnest(stats.mcv, stats.mcf) m(v, f)
                    WHERE v LIKE UPPER(%s))
                 + (1 - stats.null_frac - (SELECT COALESCE(sum(f), 0) FROM unnest(stats.mcf) f))
                   * (SELECT COALESCE(avg((v LIKE UPPER(%s))::int), 0) FROM unnest(stats.hist) v)
            FROM (
                SELECT s.null_frac,
                       COALESCE(s.most_common_vals::text::text[], '{{}}') AS mcv,
                       COALESCE(s.most_common_freqs, '{{}}') AS mcf,
                       COALESCE(s.histogram_bounds::text::text[], '{{}}') AS hist
                FROM pg_stats s
                WHERE s.schemaname = current_schema() AND s.tablename = '{index}'
            ) stats
        ), 0)"""


def _estimated_matches(index: str, table: str) -> str:
    """SQL for how many rows of ``table`` match (:func:`_estimated_share` times its rows)."""
    return (
        f"({_estimated_share(index)} * "
        f"GREATEST((SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass), 0))"
    )


def like_pattern(term: str, *, starts: bool) -> str:
    """The ``LIKE`` pattern of a term, ``%`` and ``_`` literal."""
    pattern = connection.ops.prep_for_like_query(term) + "%"
    return pattern if starts else "%" + pattern


class EmailProbe(NamedTuple):
    """What :func:`email_probe` found: whether the term is in a twentieth of the
    addresses or more (``frequent``), and for such a term whether the first addresses
    prove more than the cap of contacts (``over``)."""

    frequent: bool
    over: bool


def email_probe(term: str, *, starts: bool, cap: int | None) -> EmailProbe:
    """How to plan an e-mail search, in one statement.

    1. **The estimate**: the share of the addresses that match, from the statistics of
       ``contact_email_trgm`` (contacts/0012 keeps 1,000 histogram entries of it). From
       ``EMAIL_WALK_SHARE`` on («gmail», a third of them) the search walks the contacts in
       name order (``selectors._by_email_walk``): joining and sorting its 300,000
       addresses' contacts took 0.3 s.
    2. For such a term, unless ``cap`` is None (not counted), **the evidence**: the
       addresses as stored, read until ``cap + 1`` of them hold one of the term's
       :func:`~search.matching.spellings` as it is (a plain ``LIKE``, a third of the cost
       of ``UPPER()`` on each) — at most ``EVIDENCE_READS`` times the rows the estimate
       says that takes. More than ``cap`` distinct contacts among them prove the count
       «over the cap» without the trigram index, whose bitmap of a third of the addresses
       alone took 20 ms. Otherwise (addresses written in capitals, two of one contact) the
       caller counts as before.
    """
    pattern = like_pattern(term, starts=starts)
    forms = spellings(term)
    evident = cap is not None and forms is not None
    patterns = [like_pattern(form, starts=starts) for form in forms or ()]
    table = ContactEmail._meta.db_table
    sql = f"""
        WITH estimate AS MATERIALIZED (SELECT {_estimated_share(EMAIL_INDEX)} AS share)
        SELECT e.share >= %s, evident.n > %s
        FROM estimate e
        CROSS JOIN LATERAL (
            SELECT count(DISTINCT s.contact_id) AS n FROM (
                SELECT r.contact_id FROM (
                    SELECT contact_id, email FROM {table}
                    LIMIT ceil(%s / GREATEST(e.share, 1e-6))::bigint
                ) r
                WHERE r.email LIKE ANY(%s) LIMIT %s
            ) s
            WHERE e.share >= %s AND %s
        ) evident
    """
    cap = cap or 0
    params = (
        pattern,
        pattern,
        EMAIL_WALK_SHARE,
        cap,
        EVIDENCE_READS * (cap + 1),
        patterns,
        cap + 1,
        EMAIL_WALK_SHARE,
        evident,
    )
    with connections[read_alias(ContactEmail)].cursor() as cursor:
        cursor.execute(sql, params)
        frequent, over = cursor.fetchone()
    return EmailProbe(frequent, frequent and evident and over)


class EmailWords(NamedTuple):
    """What :func:`email_words` found: the page's contacts' ids in name order, and how
    many contacts match (up to ``cap + 1``; None when not counted)."""

    ids: list[int]
    count: int | None


def email_words(
    term: str,
    *,
    start: int = 0,
    size: int,
    cap: int | None,
    after: tuple | None = None,
    among=None,
) -> EmailWords | None:
    """The e-mail search for a term of one word (``search.models.is_one_word``), from the
    addresses' words, in one statement.

    1. **The words** that hold the term, among the distinct ones (``search_knownword``).
       None (the caller plans otherwise) when they are more than ``EMAIL_WORDS_MAX``.
    2. **The page**: for each word, its first ``start + size`` distinct contacts in name
       order, an index-only walk of ``search_addressword``'s key; the page is those of
       all words together from ``start``. (A contact among a word's first n is among the
       first n of all words, since the contacts before it hold a matching word too.)
       With ``after`` (a sort key and an id: the API's cursor), the contacts after it;
       with ``among`` (a queryset of contacts: the panel's narrowing), those among them,
       each walked address's contact tested by key.
    3. **The count**, unless ``cap`` is None or page 1 is not full (its length is the
       count): the distinct contacts of the words' first ``cap + 1`` addresses. That is
       exact when those are all of them, and more than the cap when they hold more than
       the cap of contacts; otherwise (some contacts hold several matching addresses)
       every match is counted.
    """
    words, addresses = KnownWord._meta.db_table, AddressWord._meta.db_table
    narrow, narrow_params = "", []
    if among is not None:
        try:
            among_sql, narrow_params = among.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # narrowed to nothing (no category chosen can match)
            return EmailWords([], 0 if cap is not None else None)
        narrow = f"AND a.contact_id IN ({among_sql})"
    past = "AND (a.contact_sort_key, a.contact_id) > (%s, %s)" if after else ""
    sql = f"""
        WITH words AS MATERIALIZED (
            SELECT array_agg(word) AS found, count(*) AS n
            FROM {words} WHERE word LIKE UPPER(%s)
        )
        SELECT w.n, page.ids, total.n
        FROM words w
        CROSS JOIN LATERAL (
            SELECT array_agg(p.c ORDER BY p.k, p.c) AS ids FROM (
                SELECT DISTINCT x.k, x.c FROM unnest(w.found) m(word)
                CROSS JOIN LATERAL (
                    SELECT DISTINCT a.contact_sort_key AS k, a.contact_id AS c
                    FROM {addresses} a
                    WHERE a.word = m.word {past} {narrow}
                    ORDER BY 1, 2 LIMIT %s
                ) x
                ORDER BY x.k, x.c OFFSET %s LIMIT %s
            ) p
            WHERE w.n <= %s
        ) page
        LEFT JOIN LATERAL (
            SELECT CASE WHEN s.rows <= %s OR s.contacts > %s THEN s.contacts
                ELSE (SELECT count(DISTINCT a.contact_id) FROM {addresses} a
                      WHERE a.word = ANY(w.found) {narrow}) END AS n
            FROM (
                SELECT count(*) AS rows, count(DISTINCT f.contact_id) AS contacts FROM (
                    SELECT a.contact_id FROM {addresses} a
                    WHERE a.word = ANY(w.found) {narrow} LIMIT %s
                ) f
            ) s
            WHERE w.n <= %s AND %s AND (%s > 0 OR cardinality(page.ids) >= %s)
        ) total ON true
    """
    cap_or_0 = cap or 0
    params = [
        like_pattern(term, starts=False),
        *(after or ()),
        *narrow_params,
        start + size,
        start,
        size,
        EMAIL_WORDS_MAX,
        cap_or_0,
        cap_or_0,
        *narrow_params,
        *narrow_params,
        cap_or_0 + 1,
        EMAIL_WORDS_MAX,
        cap is not None,
        start,
        size,
    ]
    with connections[read_alias(AddressWord)].cursor() as cursor:
        cursor.execute(sql, params)
        found, ids, count = cursor.fetchone()
    if found > EMAIL_WORDS_MAX:
        return None
    ids = ids or []
    if cap is None:
        return EmailWords(ids, None)
    # Not counted: page 1 holds every hit.
    return EmailWords(ids, len(ids) if count is None else count)


class NoteProbe(NamedTuple):
    """What :func:`note_probe` found: whether the word is frequent; for a frequent one,
    whether the first notes prove more than the cap of contacts (``over``); for a rarer
    one, the noted contacts (``count`` and ``ids``, None above ``NOTE_IDS_MAX``)."""

    frequent: bool
    over: bool
    count: int | None
    ids: str | None


def note_probe(user, term: str, *, starts: bool, cap: int | None) -> NoteProbe:
    """How to plan a note search, in one statement.

    1. **The estimate**: the share of the notes whose text matches, read as PostgreSQL's
       planner does from the statistics of the trigram index's expression (``pg_stats`` of
       ``note_text_trgm``: its most common values and its histogram, tested against the
       pattern), times the notes. A word in a quarter of the notes is told from a rare one.
    2. From ``NOTE_WALK_FROM`` estimated notes on, the word is *frequent*: the search walks
       the contacts in name order (``selectors._by_note_walk``), and the statement proves
       the count over ``cap`` when the newest ``cap + 1`` matching notes on cards (a walk
       of the notes' primary key backwards, stopping there) name more than ``cap``
       distinct contacts (``cap`` None: not asked, a narrowed search counts its walk).
       First it looks for the word's usual :func:`~search.matching.spellings` as they
       are written, in the notes as stored (a plain ``LIKE``: 6 ms where the ``UPPER()``
       of each text took 16, for «møte»), reading at most ``EVIDENCE_READS`` times the
       notes the estimate says hold ``cap + 1`` matches; only when that finds too few
       contacts do the newest matching notes decide.
    3. Otherwise it is :func:`noted_contact_ids`: the trigram index finds the notes and
       their contacts' ids come back as one array literal.

    Each of 2 and 3 sits under a condition on the estimate that PostgreSQL tests first
    (a gating one-time filter), so only one of them runs.

    A proof of «over the cap» is remembered for ``NOTE_PROOF_SECONDS`` (:func:`note_proof_key`:
    per user, since it counts the user's own private notes), and the same search then
    needs no probe: more notes cannot make it untrue, and only deleting most of them
    within those minutes could.
    """
    key = note_proof_key(user, term, starts=starts, cap=cap)
    if key and cache.get(key):
        return NoteProbe(True, True, None, None)
    pattern = like_pattern(term, starts=starts)
    visible = visible_notes(user, term, starts=starts)
    firsts = (
        visible.filter(contact__isnull=False)
        .order_by("-id")
        .values("contact_id")[: (cap or 0) + 1]
    )
    # The notes as stored, for the evidence: the rows are limited in SQL, then tested.
    stored = (
        Note.objects.visible_to(user)
        .filter(contact__isnull=False)
        .order_by()
        .values_list("contact_id", "text")
    )
    forms = spellings(term)
    evident = cap is not None and forms is not None
    try:
        ids_sql, ids_params = visible.contact_ids_sql(distinct=True)
        firsts_sql, firsts_params = firsts.query.sql_with_params()
        stored_sql, stored_params = stored.query.sql_with_params()
    except EmptyResultSet:  # no notes at all to read (no user)
        return NoteProbe(False, False, 0, NO_IDS)
    table, index = Note._meta.db_table, NOTE_TEXT_INDEX
    sql = f"""
        WITH estimate AS MATERIALIZED (
            SELECT {_estimated_matches(index, table)} AS n,
                   GREATEST((SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass), 0) AS t
        )
        SELECT e.n >= %s, evident.n > %s OR over.firsts > %s, noted.n, noted.ids
        FROM estimate e
        CROSS JOIN LATERAL (
            SELECT count(DISTINCT s.contact_id) AS n FROM (
                SELECT r.contact_id
                FROM ({stored_sql} LIMIT ceil(%s * e.t / GREATEST(e.n, 1))::bigint) r(contact_id, text)
                WHERE r.text LIKE ANY(%s) LIMIT %s
            ) s
            WHERE e.n >= %s AND %s
        ) evident
        CROSS JOIN LATERAL (
            SELECT count(DISTINCT f.contact_id) AS firsts FROM ({firsts_sql}) f
            WHERE e.n >= %s AND %s AND evident.n <= %s
        ) over
        CROSS JOIN LATERAL (
            SELECT count(*) AS n, COALESCE(array_agg(i.id)::text, '{NO_IDS}') AS ids
            FROM ({ids_sql} LIMIT %s) i(id)
            WHERE e.n < %s
        ) noted
    """
    params = (
        pattern,
        pattern,
        NOTE_WALK_FROM,
        cap or 0,
        cap or 0,
        *stored_params,
        EVIDENCE_READS * ((cap or 0) + 1),
        [like_pattern(form, starts=starts) for form in forms or ()],
        (cap or 0) + 1,
        NOTE_WALK_FROM,
        evident,
        *firsts_params,
        NOTE_WALK_FROM,
        cap is not None,
        cap or 0,
        *ids_params,
        NOTE_IDS_MAX + 1,
        NOTE_WALK_FROM,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        frequent, over, count, literal = cursor.fetchone()
    if frequent:
        over = bool(over) and cap is not None
        if over and key:
            cache.set(key, True, NOTE_PROOF_SECONDS)
        return NoteProbe(True, over, None, None)
    if count > NOTE_IDS_MAX:
        return NoteProbe(False, False, None, None)
    return NoteProbe(False, False, count, literal)


def note_proof_key(user, term: str, *, starts: bool, cap: int | None) -> str | None:
    """The cache key of ``user``'s proof that ``term``'s notes concern more than ``cap``
    contacts (None: nothing to remember, no user or no cap asked)."""
    if cap is None or user is None or not user.is_authenticated:
        return None
    digest = hashlib.sha256(term.encode()).hexdigest()[:32]
    return f"search:note-over:{user.pk}:{int(starts)}:{cap}:{digest}"
