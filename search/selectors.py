"""The search panel's reads: matching (S2), narrowing (S3) and the hit list (S4).

Demo-like data (and real firms) have many people per last name, so the matches of a
last-name term lie in a few long runs of the ``sort_key`` order. The last-name search
therefore plans from the *distinct* last names (see ``_name_probe``):

1. a loose index scan over ``contact_last_name_key_idx`` lists the distinct last names in
   Norwegian order (one index probe each, ~2 ms for 100 names) and keeps those that match;
2. the page is an index-only walk of ``contact_sort_cover_idx`` from the first matching
   name to the last, testing the last name (and «mine»/«private») on the index entries;
   the 50 ids found are then read with their companies and e-mail;
3. the total, exact up to ``cap`` (10,000) and «over 10 000» beyond, is not counted when
   page 1 holds fewer than 50 hits; otherwise it is a ``LIMIT cap+1`` count of the matching
   names' index entries (or of the walk, when the search is narrowed).

First names are planned the same way from their distinct values (``contact_first_name_idx``).
The probe reads ``pg_stats.n_distinct`` in the same statement and does not walk at all
when the statistics show more than ``PROBE_STEPS`` distinct names.

Other search types, and name searches over more distinct names than that, take the
general path: the trigram GIN indexes (contacts/0002, companies/0002; company phone and
e-mail: companies/0005) find the matches and an ordering the btree cannot serve makes
PostgreSQL sort them (top-N), rather than walk the btree past rows that do not match.
Terms shorter than three characters are refused for the types that only trigrams serve
(``filters.MIN_TERM``); the rest (customer numbers, company names) walk the ``(sort_key, id)`` btree in order with a test no index
serves, stopping after one page.

The note search («Notat») matches contacts through their notes, so it is planned from
the notes (``_noted_contact_ids``): ``note_text_trgm`` (activities/0002) finds the
matching notes the user may read, a UNION of the card tab's three routes
(``NoteQuerySet.contact_ids``) their contacts, and the database hands back the ids as one
array literal with their number (the count, unless narrowed). The page then walks
``contact_sort_idx`` against that array (many ids) or reads the ids by key and sorts them
(few). On 1M contacts and 200,000 notes: ~90 ms for a word in a quarter of the notes
(40,000 contacts), ~35 ms for a rare one.
"""

import re
import string
from dataclasses import dataclass, field
from math import ceil
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Collate,
    Concat,
    JSONObject,
    NullIf,
    StrIndex,
    Upper,
)

from activities.models import Note
from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail
from contacts.sorting import _FROM, _TO, NorwegianSortKey

from .filters import SearchFilter, term_lookup

PER_PAGE = 50
# The most distinct last names the probe walks before it gives way to the trigram plan.
PROBE_STEPS = 5000
# A character after any that a sort key can hold (C order compares code points).
_HIGHEST = "\U0010ffff"


def count_cap() -> int:
    return getattr(settings, "SEARCH_COUNT_CAP", 10_000)


@dataclass
class SearchResult:
    filterset: SearchFilter
    kind: str = "contact"
    term: str = ""
    hits: list = field(default_factory=list)
    count: int = 0
    over_cap: bool = False
    page: int = 1
    pages: int = 1
    searched: bool = False
    plan: str = ""  # which query shape answered: "names", "trigram", "walk", "all"
    notes: bool = False  # a note search: each hit has ``note_snippet``

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search(*, params, user, page: int = 1) -> SearchResult:
    """The hit list for the panel's parameters (a QueryDict), one page of it."""
    filterset = SearchFilter(params, user=user, queryset=_base(params.get("kind")))
    result = SearchResult(filterset=filterset)
    if not filterset.is_valid():
        return result
    data = filterset.form.cleaned_data
    result.kind, result.term = data["kind"], _normalise(data["q"], data["type"])
    narrowing = bool(data["category"]) or data["selection"] != "all"
    result.searched = bool(data["q"]) or narrowing
    if not result.searched:
        return result  # the empty panel: the page asks for a term, nothing is read
    if data["q"] and not result.term:
        return result  # e.g. letters typed into a phone search: nothing can match
    page = max(1, page)
    narrowed = filterset.qs
    matching = _match(narrowed, result.kind, data, result.term, user=user, indexed=True)
    if result.term and result.kind == "contact" and data["type"] in NAME_PROBES:
        names = _name_probe(data["type"], result.term, starts=data["match"] == "starts")
        if names is not None:
            if data["type"] == "last_name":
                _by_last_names(result, matching, names, page=page, narrowing=narrowing)
            else:
                _by_first_names(result, narrowed, names, page=page)
            return result
    if result.term and result.kind == "contact" and data["type"] == "note":
        noted = _noted_contact_ids(user, data, result.term)
        if noted is not None:
            _by_note_ids(result, narrowed, *noted, page=page, narrowing=narrowing)
            _note_snippets(result, user, data)
            return result
    if result.term and len(result.term) >= 3:
        result.plan = "trigram"
        # CONCAT(sort_key, ''): an order no btree serves, so PostgreSQL takes the matches
        # from the trigram index and sorts them (top-N) instead of walking the btree.
        ordered = matching.order_by(Concat("sort_key", Value("")).asc(), "id")
        counted = matching
    else:
        result.plan = "walk" if result.term else "all"
        shaped = _match(narrowed, result.kind, data, result.term, user=user, indexed=False)
        ordered = shaped.order_by("sort_key", "id")
        counted = shaped
    _page_and_count(result, ordered, counted, page=page, reads=lambda qs: qs)
    if result.term and data["type"] == "note":
        _note_snippets(result, user, data)
    return result


def search_all(*, params, user):
    """Every hit of the panel's parameters, not paged: (kind, an unordered queryset),
    or None when the parameters are invalid or ask for nothing (the empty panel).

    The same filters and matching as :func:`search`, so the same privacy (a note search
    matches only notes ``user`` may read); for exports, which read every hit once and so
    need none of the page's plans.
    """
    filterset = SearchFilter(params, user=user, queryset=_base(params.get("kind")))
    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    kind, term = data["kind"], _normalise(data["q"], data["type"])
    if not (data["q"] or data["category"] or data["selection"] != "all"):
        return None
    if data["q"] and not term:
        return kind, filterset.qs.none()
    return kind, _match(filterset.qs, kind, data, term, user=user, indexed=True).order_by()


# Characters of a note shown on each side of the match in the hit list.
SNIPPET_CONTEXT = 60


def _note_snippets(result, user, data) -> None:
    """Give each hit of a note search its newest matching note that the user may read, as
    ``note_snippet`` (a :class:`Snippet`) around the term (one query)."""
    result.notes = True
    if not result.hits:
        return
    _name, lookup = term_lookup(type="note", match=data["match"], kind=result.kind)
    notes = _term_filter(Note.objects.visible_to(user), "text", lookup, result.term, True)
    ids = [hit.pk for hit in result.hits]
    if result.kind == "company":
        rows = notes.filter(company_id__in=ids).values_list("company_id", "text", "created_at")
        rows = rows.order_by()
    else:
        rows = notes.about_contacts(ids)
    newest = {}
    for owner, text, created in rows:
        if owner not in newest or created > newest[owner][1]:
            newest[owner] = (text, created)
    pattern = re.compile(re.escape(result.term), re.IGNORECASE)
    for hit in result.hits:
        text = newest.get(hit.pk, ("", None))[0]
        hit.note_snippet = _snippet(text, pattern) if text else None


class Snippet(NamedTuple):
    """A matching note around the term: ``before``, ``match`` (marked) and ``after``."""

    before: str
    match: str
    after: str


def _snippet(text: str, pattern) -> Snippet:
    text = " ".join(text.split())
    found = pattern.search(text)
    if found is None:  # the database matched a case form Python does not: show the start
        return Snippet(
            text[: 2 * SNIPPET_CONTEXT], "", "…" if len(text) > 2 * SNIPPET_CONTEXT else ""
        )
    start, end = max(0, found.start() - SNIPPET_CONTEXT), found.end() + SNIPPET_CONTEXT
    before = ("…" if start else "") + text[start : found.start()]
    after = text[found.end() : end] + ("…" if end < len(text) else "")
    return Snippet(before, found.group(), after)


def _page_and_count(result, ordered, counted, *, page, reads, known_count=None):
    """Fill in one page of ``ordered`` and the capped count of ``counted``.

    The count is skipped when page 1 is not full (its length is the count) or when the
    caller knows it (``known_count``).
    """
    start = (page - 1) * PER_PAGE
    result.page = page
    result.hits = list(_annotate(reads(ordered[start : start + PER_PAGE]), result.kind))
    cap = count_cap()
    if known_count is not None:
        result.count = known_count
    elif page == 1 and len(result.hits) < PER_PAGE:
        result.count = len(result.hits)
    else:
        result.count = counted.order_by()[: cap + 1].count()
    result.over_cap = result.count > cap
    if result.over_cap:
        result.count = cap
    result.pages = max(1, ceil(result.count / PER_PAGE))
    if not result.hits and page > result.pages:
        # Past the last page (an old bookmark, a crafted number): show the last page
        # instead (over the cap: the last page the count reaches).
        result.page = result.pages
        start = (result.page - 1) * PER_PAGE
        result.hits = list(_annotate(reads(ordered[start : start + PER_PAGE]), result.kind))


# The most contacts a note search takes into Python; beyond that (notes matching on more
# than a tenth of a million contacts) it is planned like the other types.
NOTE_IDS_MAX = 100_000


def _noted_contact_ids(user, data, term) -> tuple[int, str] | None:
    """How many contacts have a matching note the user may read, and their ids as an
    array literal (``{1,2,…}``), in one query: the trigram index finds the notes, a UNION
    their contacts, and the database joins the ids into one text so that Python need not
    take 40,000 rows apart. None when there are more than ``NOTE_IDS_MAX``."""
    _name, lookup = term_lookup(type="note", match=data["match"], kind="contact")
    notes = _term_filter(Note.objects.visible_to(user), "text", lookup, term, True)
    ids = notes.contact_ids(distinct=True).order_by()[: NOTE_IDS_MAX + 1]
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # no notes at all to read (no user)
        return 0, "{}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), COALESCE(array_agg(id)::text, '{{}}') FROM ({sql}) ids(id)",
            params,
        )
        count, literal = cursor.fetchone()
    if count > NOTE_IDS_MAX:
        return None
    return count, literal


# From this many noted contacts on, the page walks the sort order (see _by_note_ids);
# about sqrt(50 × a million), where walking and reading each id by key cost the same.
NOTE_WALK_MIN = 5000


def _by_note_ids(result, narrowed, count, ids_literal, *, page, narrowing):
    """The note search planned from the ids of the contacts its notes concern.

    A frequent word concerns many contacts, and joining each of them to sort them costs a
    random read apiece (~0.3 s for 40,000). Instead the ids go back as one array literal:
    for many ids PostgreSQL walks ``contact_sort_idx`` in order, index-only, until the page
    is full; for fewer than ``NOTE_WALK_MIN`` an order no btree serves makes it read them
    by key and sort them instead (walking past a sparse few is what would cost). Unnarrowed,
    the count is the number of ids.
    """
    result.plan = "note-ids"
    if not count:
        result.page = 1
        return
    # A text literal: handing psycopg 40,000 ints to quote one by one costs ~25 ms.
    array = Cast(Value(ids_literal), ArrayField(BigIntegerField()))
    any_of = Func(
        F("pk"),
        array,
        template="(%(expressions)s))",
        arg_joiner=" = ANY(",
        output_field=BooleanField(),
    )
    matching = narrowed.filter(any_of)
    if count >= NOTE_WALK_MIN:
        ordered = matching.order_by("sort_key", "id")
    else:
        ordered = matching.order_by(Concat("sort_key", Value("")).asc(), "id")

    def reads(page_ids):
        # The page's ids come index-only; its rows are then read by key.
        return Contact.objects.filter(pk__in=page_ids.values("pk")).order_by("sort_key", "id")

    _page_and_count(
        result,
        ordered,
        matching,
        page=page,
        reads=reads,
        known_count=None if narrowing else count,
    )


def _by_last_names(result, matching, names, *, page, narrowing):
    """The last-name search planned from the matching distinct last names (``names``)."""
    result.plan = "names"
    if not names:
        result.page = 1
        return
    keys = [key for key, _name in names]
    low, high = min(keys), max(f"{key} {_HIGHEST}" for key in keys)
    walk = matching.filter(sort_key__gte=low, sort_key__lte=high).order_by("sort_key", "id")

    def reads(ids):
        # The walk yields only ids (index-only); the page's rows are read by id.
        return Contact.objects.filter(pk__in=ids.values("pk")).order_by("sort_key", "id")

    if narrowing:
        counted = walk
    else:
        counted = Contact.objects.alias(name_key=_name_key()).filter(
            name_key__in=keys, last_name__in=[name for _key, name in names]
        )
    _page_and_count(result, walk, counted, page=page, reads=reads)


def _name_key():
    """The expression of ``contact_last_name_key_idx``."""
    return Collate(NorwegianSortKey("last_name"), "C")


def _by_first_names(result, narrowed, names, *, page):
    """The first-name search planned from the matching distinct first names: the rows
    with one of them, in name order; counted on ``contact_first_name_idx`` alone."""
    result.plan = "names"
    if not names:
        result.page = 1
        return
    matching = narrowed.filter(first_name__in=[name for _key, name in names])
    _page_and_count(
        result, matching.order_by("sort_key", "id"), matching, page=page, reads=lambda qs: qs
    )


# The distinct-value probes: per search type, the index key the loose scan steps along
# (an expression of the alias ``c``) and the column it lists.
NAME_PROBES = {
    # contact_last_name_key_idx: Norwegian order, so the matching names give the walk's range.
    "last_name": (f"TRANSLATE(LOWER(c.last_name), '{_FROM}', '{_TO}') COLLATE \"C\"", "last_name"),
    # contact_first_name_idx: any order will do; the names only select rows.
    "first_name": ("c.first_name", "first_name"),
}


def _name_probe(type: str, term: str, *, starts: bool):
    """The distinct names that match, as (index key, name) in the index's order.

    A loose index scan (recursive CTE) steps from one distinct name to the next, one index
    probe each (~8 µs). It is only worth it while the names are few: None when the
    column's statistics (``pg_stats.n_distinct``, read in the same statement) or the walk
    itself find more than ``PROBE_STEPS`` of them, and the caller then plans without them.
    """
    key, column = NAME_PROBES[type]
    assert "'" not in _FROM + _TO
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
    with connection.cursor() as cursor:
        cursor.execute(sql, {"steps": PROBE_STEPS, "pattern": pattern})
        rows = cursor.fetchall()
    if rows and rows[-1][2] > PROBE_STEPS:
        return None
    return [(key, name) for key, name, _n in rows]


def _base(kind):
    return Company.objects.all() if kind == "company" else Contact.objects.all()


def _normalise(term: str, type: str) -> str:
    if type in ("phone", "customer_number"):
        return "".join(ch for ch in term if ch in string.digits)
    return term


def _match(qs, kind, data, term, *, user, indexed: bool):
    if not term:
        return qs
    name, lookup = term_lookup(type=data["type"], match=data["match"], kind=kind)
    if name == "note_text":
        return qs.filter(pk__in=_note_hits(user, kind, lookup, term, indexed))
    if name == "full_name":
        qs = qs.alias(full_name=Concat("first_name", Value(" "), "last_name"))
    if name == "email" and kind == "contact":
        emails = ContactEmail.objects.filter(contact=OuterRef("pk"))
        return qs.filter(Exists(_term_filter(emails, "email", lookup, term, indexed)))
    return _term_filter(qs, name, lookup, term, indexed)


def _note_hits(user, kind, lookup, term, indexed):
    """The ids of the contacts (or companies) with a note the user may read whose text
    matches: privacy from ``visible_to``, which notes concern a contact from
    ``contact_ids`` (the card's notes tab's rule).

    Planned from the notes: the trigram index ``note_text_trgm`` finds the few matching
    notes and PostgreSQL joins their contacts, rather than test each contact's notes.
    """
    notes = _term_filter(Note.objects.visible_to(user), "text", lookup, term, indexed)
    if kind == "company":
        return notes.filter(company__isnull=False).order_by().values("company_id")
    return notes.contact_ids()


def _term_filter(qs, name, lookup, term, indexed):
    if indexed:
        return qs.filter(**{f"{name}__{lookup}": term})
    # The same test in a form no index serves (see the module docstring).
    column = F(name)
    if name == "customer_number":
        column = Cast(name, TextField())
    if lookup.startswith("i"):
        column, needle = Upper(column), Upper(Value(term))
    else:
        needle = Value(term)
    if lookup.endswith("startswith"):
        return qs.filter(Func(column, needle, function="STARTS_WITH", output_field=BooleanField()))
    return qs.alias(_pos=StrIndex(column, needle)).filter(_pos__gt=0)


def _annotate(qs, kind):
    """What a hit row shows beyond its own columns. Phones come as the stored text
    (``phone_e164``): turning each into a PhoneNumber object and back, 50 times a page,
    was a tenth of the page's time; the row formats the text (cached per number)."""
    if kind == "company":
        return qs.defer("phone").annotate(phone_e164=_text("phone"))
    links = (
        CompanyLink.objects.current()
        .filter(contact=OuterRef("pk"))
        .order_by("company__sort_key", "id")
        .values(json=JSONObject(id="company_id", name="company__name", position="position"))
    )
    first_email = (
        ContactEmail.objects.filter(contact=OuterRef("pk"))
        .order_by("position", "id")
        .values("email")
    )
    return qs.defer("mobile", "work_phone", "private_phone").annotate(
        company_list=ArraySubquery(links),
        first_email=Subquery(first_email[:1]),
        # The card's order: mobile, then work, then private.
        phone_e164=Coalesce(_text("mobile"), _text("work_phone"), _text("private_phone")),
    )


def _text(field: str):
    """A phone column as its stored text, NULL when empty."""
    return NullIf(Cast(field, TextField()), Value("", output_field=TextField()))


__all__ = ["search", "search_all", "SearchResult", "PER_PAGE", "Q"]
