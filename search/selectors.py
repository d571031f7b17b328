"""The search panel's reads: matching (S2), narrowing (S3) and the hit list (S4).

This module builds the queries that read a page of hits and its count, choosing the plan
by search type. How a term matches is :mod:`search.matching`; the raw-SQL probes that
feed the plans are :mod:`search.probe`; the note beside each hit of a note search is
:mod:`search.snippets`.

Demo-like data (and real firms) have many people per last name, so the matches of a
last-name term lie in a few long runs of the ``sort_key`` order. The last-name search
therefore plans from the *distinct* last names (``probe.name_probe``):

1. a loose index scan over ``contact_last_name_key_idx`` lists the distinct last names in
   Norwegian order (one index probe each, ~2 ms for 100 names) and keeps those that match;
2. the page is an index-only walk of ``contact_sort_cover_idx`` from the first matching
   name to the last, testing the last name (and «mine»/«private») on the index entries;
   the 50 ids found are then read with their companies and e-mail;
3. the total, exact up to ``cap`` (10,000) and «over 10 000» beyond, is not counted when
   page 1 holds fewer than 50 hits; otherwise it is a ``LIMIT cap+1`` count of the matching
   names' index entries (or of the walk, when the search is narrowed).

First names are planned the same way from their distinct values (``contact_first_name_idx``);
the page walks ``contact_sort_cover_idx``, which holds the first name too.
The probe reads ``pg_stats.n_distinct`` in the same statement and does not walk at all
when the statistics show more than ``probe.PROBE_STEPS`` distinct names.

Other search types, and name searches over more distinct names than that, take the
general path: the trigram GIN indexes (contacts/0002, companies/0002; company phone and
e-mail: companies/0005) find the matches and an ordering the btree cannot serve makes
PostgreSQL sort them (top-N), rather than walk the btree past rows that do not match.
Terms shorter than ``TRIGRAM_MIN`` characters are refused for the types that only
trigrams serve (``filters.MIN_TERM``); the rest (customer numbers, company names) walk the
``(sort_key, id)`` btree in order with a test no index serves, stopping after one page.

The note search («Notat») matches contacts through their notes, so it is planned from
the notes (``probe.noted_contact_ids``): ``note_text_trgm`` (activities/0002) finds the
matching notes the user may read, once, and a UNION of the card tab's three routes
joined to them (``NoteQuerySet.contact_ids_sql``) their contacts, and the database hands back the ids as one
array literal with their number (the count, unless narrowed). The page then walks
``contact_sort_idx`` against that array (many ids) or reads the ids by key and sorts them
(few). A frequent word (a quarter of a million notes) is planned the other way round
(``probe.note_probe`` estimates it from the trigram index's statistics, in the same
statement): the page walks ``contact_sort_idx`` in name order and probes each contact's
notes on each route until the page is full, and the count is proved «over 10 000» from
the newest matching notes. On 1M contacts and 1,000,000 notes both stay within a few
tens of milliseconds (``benchmarks/search.py``).

An e-mail search for a term of letters only («contains») is planned from the addresses'
words (:mod:`search.models`, ``probe.email_words``): the term lies inside one word, so the
few distinct words that hold it are looked up and each one's addresses walked in name order
on ``search_addressword``'s key (narrowed: each walked address's contact tested against the
panel's narrowing by key), the page and the count in one statement (``_by_email_words``).
Other e-mail terms, and one in too many words, are planned as follows. An e-mail search for an address part in a twentieth of the addresses or more
(``probe.email_probe``, from the trigram index's statistics) walks the contacts in name
order, probing each one's addresses (``_by_email_walk``), within a bounded window; the
same probe proves such a term's count «over 10 000» from the first addresses. Any other
unnarrowed e-mail search is planned from the addresses alone (``_by_email_keys``): each
carries its contact's sort key, so the trigram index's matches are sorted where they are
found and counted in the same pass, without a join to the million contacts.
"""

import functools
from dataclasses import dataclass, field
from math import ceil

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    F,
    Func,
    OuterRef,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Collate, Concat, JSONObject, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail
from contacts.sorting import NorwegianSortKey

from .filters import SearchFilter
from .matching import email_contacts, match_term, matching_addresses, normalise, noted
from .models import is_one_word
from .probe import (
    NAME_PROBES,
    email_probe,
    email_words,
    name_probe,
    note_probe,
)
from .snippets import newest_note_text, note_snippets

PER_PAGE = 50
# The count stops here («over 10 000») unless settings.SEARCH_COUNT_CAP says otherwise.
DEFAULT_COUNT_CAP = 10_000
# The shortest term a trigram index can find (pg_trgm's trigrams are three characters).
TRIGRAM_MIN = 3
# A character after any that a sort key can hold (C order compares code points).
_HIGHEST = "\U0010ffff"


def count_cap() -> int:
    return getattr(settings, "SEARCH_COUNT_CAP", DEFAULT_COUNT_CAP)


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
    plan: str = ""  # which query shape answered: "names", "note-ids", "email-words", "email-walk", "email-keys", "trigram", "walk", "all"
    notes: bool = False  # a note search: each hit has ``note_snippet``
    per_page: int = PER_PAGE
    counted: bool = True  # False for the typing dropdown: no count, ``count`` is len(hits)
    narrowed: bool = False  # a term or a narrowing; otherwise the list is every contact
    # A note search: the expression of each hit's newest matching note, read with the page.
    note_text: object = None

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        # Over the cap the count stops short: a full page may have more after it.
        return self.page < self.pages or (self.over_cap and len(self.hits) == self.per_page)

    # The pager (crm/partials/pager.html) reads a result as it reads a Page.
    @property
    def number(self) -> int:
        return self.page

    @property
    def paginator(self) -> "SearchResult":
        return self

    @property
    def num_pages(self) -> int:
        return self.pages

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.page - 1

    def next_page_number(self) -> int:
        return self.page + 1


def search(*, params, user, page: int = 1, limit: int | None = None) -> SearchResult:
    """The hit list for the panel's parameters (a QueryDict), one page of it.

    With ``limit`` (the typing dropdown) only the first ``limit`` hits are read and nothing
    is counted: the same plans, so a three-letter prefix on a million contacts answers in
    a few milliseconds. An empty panel lists every contact (or company) in name order,
    narrowed by the panel's other controls.
    """
    filterset = SearchFilter(params, user=user, queryset=_base(params.get("kind")))
    result = SearchResult(filterset=filterset)
    if limit is not None:
        result.per_page, result.counted, page = limit, False, 1
    if not filterset.is_valid():
        return result
    data = filterset.form.cleaned_data
    result.kind, result.term = data["kind"], normalise(data["q"], data["type"])
    narrowing = bool(data["category"]) or data["selection"] != "all"
    result.searched = True
    result.narrowed = narrowing or bool(data["q"])
    if data["q"] and not result.term:
        return result  # e.g. letters typed into a phone search: nothing can match
    page = max(1, page)
    starts = data["match"] == "starts"
    narrowed = filterset.qs
    if result.term and data["type"] == "note":
        result.note_text = newest_note_text(user, result.term, starts=starts, kind=result.kind)
    # Built where a plan uses it: the note plans have their own, and building it costs.
    matching = functools.partial(
        match_term, narrowed, result.kind, data, result.term, user=user, indexed=True
    )
    if result.term and result.kind == "contact" and data["type"] in NAME_PROBES:
        names = name_probe(data["type"], result.term, starts=starts)
        if names is not None:
            if data["type"] == "last_name":
                _by_last_names(result, matching(), names, page=page, narrowing=narrowing)
            else:
                _by_first_names(result, narrowed, names, page=page)
            return result
    if result.term and result.kind == "contact" and data["type"] == "note":
        cap = count_cap() if result.counted and not narrowing else None
        probe = note_probe(user, result.term, starts=starts, cap=cap)
        if probe.frequent:
            _by_note_walk(result, narrowed, user, page=page, over=probe.over, starts=starts)
            note_snippets(result, user, starts=starts)
            return result
        if probe.count is not None:
            _by_note_ids(result, narrowed, probe.count, probe.ids, page=page, narrowing=narrowing)
            note_snippets(result, user, starts=starts)
            return result
    if (
        result.term
        and result.kind == "contact"
        and data["type"] == "email"
        and not starts
        and is_one_word(result.term)
        and _by_email_words(result, narrowed if narrowing else None, page=page)
    ):
        return result
    counter = None
    if (
        result.term
        and result.kind == "contact"
        and data["type"] == "email"
        and not narrowing
        and page <= EMAIL_WALK_PAGES
    ):
        cap = count_cap() if result.counted else None
        probe = email_probe(result.term, starts=starts, cap=cap)
        # Proved over the cap by the probe, nothing is left to count.
        counter = _over_cap if probe.over else functools.partial(email_contacts, data, result.term)
        if probe.frequent:
            walked = match_term(narrowed, result.kind, data, result.term, user=user, indexed=False)
            if _by_email_walk(result, narrowed, walked, matching(), page=page, counter=counter):
                return result
    if (
        result.term
        and result.kind == "contact"
        and data["type"] == "email"
        and not narrowing
        and len(result.term) >= TRIGRAM_MIN
    ):
        counter = counter or functools.partial(email_contacts, data, result.term)
        _by_email_keys(result, data, page=page, counter=counter)
        return result
    if result.term and len(result.term) >= TRIGRAM_MIN:
        result.plan = "trigram"
        # CONCAT(sort_key, ''): an order no btree serves, so PostgreSQL takes the matches
        # from the trigram index and sorts them (top-N) instead of walking the btree.
        counted = matching()
        ordered = counted.order_by(Concat("sort_key", Value("")).asc(), "id")
    else:
        result.plan = "walk" if result.term else "all"
        shaped = match_term(narrowed, result.kind, data, result.term, user=user, indexed=False)
        ordered = shaped.order_by("sort_key", "id")
        counted = shaped
    _page_and_count(result, ordered, counted, page=page, counter=counter)
    if result.term and data["type"] == "note":
        note_snippets(result, user, starts=starts)
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
    kind, term = data["kind"], normalise(data["q"], data["type"])
    if not (data["q"] or data["category"] or data["selection"] != "all"):
        return None
    if data["q"] and not term:
        return kind, filterset.qs.none()
    return kind, match_term(filterset.qs, kind, data, term, user=user, indexed=True).order_by()


def _page_and_count(
    result,
    ordered,
    counted,
    *,
    page,
    known_count=None,
    keep_order=False,
    hits=None,
    counter=None,
):
    """Fill in one page of ``ordered`` and the capped count of ``counted``.

    The count is skipped when page 1 is not full (its length is the count) or when the
    caller knows it (``known_count``). With ``keep_order`` the capped count keeps
    ``counted``'s order, so that it walks the same index as the page. ``hits``: the page,
    when the caller has read it already. ``counter(cap)``: a cheaper way to the capped
    count, or None where it cannot tell.
    """
    size = result.per_page
    start = (page - 1) * size
    result.page = page
    if hits is None:
        hits = _page_of(ordered, result, start=start)
    result.hits = hits
    cap = count_cap()
    if not result.counted:
        result.count = len(result.hits)
        return
    if known_count is not None:
        result.count = known_count
    elif page == 1 and len(result.hits) < size:
        result.count = len(result.hits)
    else:
        found = counter(cap) if counter else None
        if found is None:
            capped = counted if keep_order else counted.order_by()
            found = capped[: cap + 1].count()
        result.count = found
    result.over_cap = result.count > cap
    if result.over_cap:
        result.count = cap
    result.pages = max(1, ceil(result.count / size))
    if not result.hits and page > result.pages:
        # Past the last page (an old bookmark, a crafted number): show the last page
        # instead (over the cap: the last page the count reaches).
        result.page = result.pages
        start = (result.page - 1) * size
        result.hits = _page_of(ordered, result, start=start)


def _over_cap(cap: int) -> int:
    """The ``counter`` of a search whose probe proved the count over ``cap``."""
    return cap + 1


# The plans whose walk reads an index alone when it yields only ids (see _page_of), and
# the column that holds the contact's id where it is not the queryset's own key.
_INDEX_ONLY_PLANS = frozenset({"names", "note-ids", "email-keys"})
_ID_COLUMNS = {"email-keys": "contact_id"}


def _page_of(ordered, result, *, start):
    """The page of ``ordered`` from ``start``, each row with what it shows (:func:`_annotate`).

    Past the first page, and for the plans that walk an index alone, the plan finds only
    the page's ids and the rows are then read by key: in the plan's own query a row's
    columns (its companies, address, categories, note) were computed for each row the
    ``OFFSET`` passed over too (page 100 of every contact took 100 ms, now 12). The first
    page of the other plans reads its rows in the plan's query, a nested read less."""
    page = ordered[start : start + result.per_page]
    if start or result.plan in _INDEX_ONLY_PLANS:
        ids = page.values(_ID_COLUMNS.get(result.plan, "pk"))
        page = _base(result.kind).filter(pk__in=ids).order_by("sort_key", "id")
    return list(_annotate(page, result.kind, brief=not result.counted, note_text=result.note_text))


# How many contacts in name order an e-mail walk tests per page before it gives way, and
# the deepest page it is tried for (see _by_email_walk).
EMAIL_WALK_WINDOW = 2000
EMAIL_WALK_PAGES = 10


def _by_email_walk(result, narrowed, walked, counted, *, page, counter) -> bool:
    """An e-mail search for a frequent address (``probe.email_probe``: «gmail», a third
    of the addresses) from the first ``EMAIL_WALK_WINDOW × page`` contacts in name order,
    each tested by its own addresses: a page in a few milliseconds, where joining and
    sorting the matches' contacts took 0.3 s. The count comes from the trigram index.

    False, with nothing filled in, when the window holds less than the page: a frequent part of
    a *name* («hansen») matches contacts that lie together further on in the name order,
    and walking there would read most of the million (1.6 s); the trigram plan then
    answers, after a walk of about 10 ms."""
    # The window ends at the sort key of its last contact (one index-only read of a few
    # thousand entries), so the walk below still stops as soon as the page is full.
    last = EMAIL_WALK_WINDOW * page
    bound = narrowed.order_by("sort_key", "id").values("sort_key")[last : last + 1]
    ordered = walked.filter(sort_key__lte=Coalesce(Subquery(bound), Value(_HIGHEST))).order_by(
        "sort_key", "id"
    )
    start = (page - 1) * result.per_page
    hits = _page_of(ordered, result, start=start)
    if len(hits) < result.per_page:
        return False
    result.plan = "email-walk"
    _page_and_count(result, ordered, counted, page=page, hits=hits, counter=counter)
    return True


def _by_email_words(result, among, *, page) -> bool:
    """The e-mail search («contains») for a term of letters only, from the words of the
    addresses (``probe.email_words``), narrowed to the contacts of ``among`` unless it is
    None: the page's ids and the count in one statement, then the page's contacts by key.
    False, with nothing filled in, when the term is in too many distinct words for that
    to pay."""
    size = result.per_page
    found = email_words(
        result.term,
        start=(page - 1) * size,
        size=size,
        cap=count_cap() if result.counted else None,
        among=among,
    )
    if found is None:
        return False
    result.plan = "email-words"
    result.page = page
    result.hits = _hits_by_id(found.ids, result)
    if found.count is None:
        result.count = len(result.hits)
        return True
    cap = count_cap()
    result.over_cap = found.count > cap
    result.count = min(found.count, cap)
    result.pages = max(1, ceil(result.count / size))
    if not result.hits and page > result.pages:
        # Past the last page (an old bookmark, a crafted number): the last page instead.
        return _by_email_words(result, among, page=result.pages)
    return True


def _hits_by_id(ids, result):
    """The page's rows for the contacts ``ids``, in name order."""
    page = Contact.objects.filter(pk__in=ids).order_by("sort_key", "id")
    return list(_annotate(page, result.kind, brief=not result.counted))


def _by_email_keys(result, data, *, page, counter):
    """The e-mail search (unnarrowed) from the matching addresses alone: the trigram
    index finds them, each with its contact's sort key (``ContactEmail.contact_sort_key``),
    and PostgreSQL sorts their distinct contacts (top-N); the page's fifty are then read by
    key. Joined to the contacts for their keys, a frequent part of a name («hansen»,
    29,000 addresses of a million) had the plan read every contact."""
    result.plan = "email-keys"
    keys = (
        matching_addresses(data, result.term)
        .values("contact_sort_key", "contact_id")
        .annotate(addresses=Count("pk"))
    )
    ordered = keys.order_by("contact_sort_key", "contact_id")
    start = (page - 1) * result.per_page
    # The page's ids with the number of matching contacts, counted in the same pass.
    found = list(
        ordered.annotate(contacts=Window(Count("*"))).values_list("contact_id", "contacts")[
            start : start + result.per_page
        ]
    )
    hits = _hits_by_id([pk for pk, _n in found], result)
    known = found[0][1] if found else None
    _page_and_count(
        result, ordered, keys, page=page, hits=hits, known_count=known, counter=counter
    )


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

    _page_and_count(
        result,
        ordered,
        matching,
        page=page,
        known_count=None if narrowing else count,
    )


def _by_note_walk(result, narrowed, user, *, page, over, starts):
    """The note search for a frequent word (``probe.note_probe``): walk
    ``contact_sort_idx`` in name order and test each contact for a matching note it may
    read (``matching.noted``: an index probe per route), stopping when the page is full —
    a word in a quarter of the notes fills a page within a few hundred contacts. The count
    is «over the cap» when the probe proved it from the first notes (``over``); otherwise
    it is counted (the walk, capped)."""
    result.plan = "note-walk"
    matching = narrowed.filter(noted(user, result.term, starts=starts))
    ordered = matching.order_by("sort_key", "id")
    cap = count_cap()
    _page_and_count(
        result,
        ordered,
        matching,
        page=page,
        known_count=cap + 1 if over else None,
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

    if narrowing:
        # Counted along the walk, in its order: an index-only walk of the same index
        # (e.g. contact_private_sort_idx). Unordered, PostgreSQL took the customer-number
        # index for «Privatkunder» and read each row from the table (25 ms instead of 8).
        counted = walk
    else:
        counted = Contact.objects.alias(name_key=_name_key()).filter(
            name_key__in=keys, last_name__in=[name for _key, name in names]
        )
    _page_and_count(result, walk, counted, page=page, keep_order=narrowing)


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
    _page_and_count(result, matching.order_by("sort_key", "id"), matching, page=page)


def _base(kind):
    return Company.objects.all() if kind == "company" else Contact.objects.all()


def _annotate(qs, kind, *, brief: bool = False, note_text=None):
    """What a hit row shows beyond its own columns. Phones come as the stored text
    (``phone_e164``): turning each into a PhoneNumber object and back, 50 times a page,
    was a tenth of the page's time; the row formats the text (cached per number).

    ``brief`` (the typing dropdown) reads only the name and the first current company:
    every column less is less to compile and read in a request budgeted at 30 ms.
    ``note_text``: a note search's newest matching note (``snippets.newest_note_text``)."""
    annotations = _row_annotations(kind, brief, timezone.localdate())
    if note_text is not None:
        annotations = {**annotations, "note_text": note_text}
    if brief:
        qs = (
            qs.only("id", "name", "customer_number")
            if kind == "company"
            else qs.only("id", "last_name", "first_name")
        )
    elif kind == "company":
        qs = qs.defer("phone")
    else:
        qs = qs.defer("mobile", "work_phone", "private_phone")
    return qs.annotate(**annotations)


@functools.lru_cache(maxsize=8)
def _row_annotations(kind, brief: bool, today) -> dict:
    """The row expressions of :func:`_annotate`, built once a day per kind: they depend on
    nothing else (the row is ``OuterRef``), and building them was a tenth of a page.
    ``annotate()`` resolves a copy of each, so the same expressions serve every request."""
    if brief:
        if kind == "company":
            return {}
        first_company = (
            CompanyLink.objects.current(today)
            .filter(contact=OuterRef("pk"))
            .order_by("company__sort_key", "id")
            .values("company__name")
        )
        return {"first_company": Subquery(first_company[:1])}
    if kind == "company":
        return {
            "phone_e164": _text("phone"),
            "category_names": _category_names(Company, "company"),
        }
    links = (
        CompanyLink.objects.current(today)
        .filter(contact=OuterRef("pk"))
        .order_by("company__sort_key", "id")
        .values(json=JSONObject(id="company_id", name="company__name", position="position"))
    )
    first_email = (
        ContactEmail.objects.filter(contact=OuterRef("pk"))
        .order_by("position", "id")
        .values("email")
    )
    return {
        "company_list": ArraySubquery(links),
        "first_email": Subquery(first_email[:1]),
        # The card's order: mobile, then work, then private.
        "phone_e164": Coalesce(_text("mobile"), _text("work_phone"), _text("private_phone")),
        "category_names": _category_names(Contact, "contact"),
    }


def _category_names(model, owner: str):
    """The row's category names in name order, for the hit list's badges."""
    rows = (
        model.categories.through.objects.filter(**{owner: OuterRef("pk")})
        .order_by("category__name")
        .values("category__name")
    )
    return ArraySubquery(rows)


def _text(field: str):
    """A phone column as its stored text, NULL when empty."""
    return NullIf(Cast(field, TextField()), Value("", output_field=TextField()))


def contact_matches(*, params, user, window: tuple | None = None):
    """The contacts the panel's parameters (``q``, ``type``, ``match``, ``selection``,
    ``category``, …) match, as a queryset to read in ``(sort_key, id)`` order a slice at a
    time (the API's cursor pages: ``after`` a key, ``LIMIT``). The same filters and plans
    as :func:`search`, without its count and offset pages; the last-name and first-name
    types are narrowed from the distinct names (``probe.name_probe``), so a term's page is
    an index-only walk of ``contact_sort_cover_idx`` from the first matching name.

    ``window``: ``(after, limit)``, the slice the caller will read (``after`` a ``(sort
    key, id)`` or None). With it, an e-mail term of letters only is planned from the
    addresses' words (``probe.email_words``), and the queryset holds that slice alone:
    the walk of the contacts testing each one's addresses took 0.6 s for «hansen».

    Raises ``ValidationError`` with the panel form's messages.
    """
    filterset = SearchFilter(params, user=user, queryset=Contact.objects.all())
    if not filterset.is_valid():
        raise ValidationError(
            {field: list(messages) for field, messages in filterset.form.errors.items()}
        )
    data = filterset.form.cleaned_data
    if data["kind"] != "contact":
        raise ValidationError({"kind": _("Only contacts can be listed here.")})
    term = normalise(data["q"], data["type"])
    narrowed = filterset.qs
    if data["q"] and not term:
        return Contact.objects.none()
    starts = data["match"] == "starts"
    narrowing = bool(data["category"]) or data["selection"] != "all"
    if (
        window is not None
        and data["type"] == "email"
        and not starts
        and len(term) >= TRIGRAM_MIN
        and is_one_word(term)
    ):
        after, limit = window
        # A cursor this search handed out holds a sort key.
        if after is None or isinstance(after[0], str):
            among = narrowed if narrowing else None
            found = email_words(term, size=limit, cap=None, after=after, among=among)
            if found is not None:
                return narrowed.filter(pk__in=found.ids)
    if term and data["type"] in NAME_PROBES:
        names = name_probe(data["type"], term, starts=starts)
        if names is not None:
            if not names:
                return Contact.objects.none()
            if data["type"] == "first_name":
                return narrowed.filter(first_name__in=[name for _key, name in names])
            keys = [key for key, _name in names]
            low, high = min(keys), max(f"{key} {_HIGHEST}" for key in keys)
            matching = match_term(narrowed, "contact", data, term, user=user, indexed=True)
            return matching.filter(sort_key__gte=low, sort_key__lte=high)
    indexed = len(term) >= TRIGRAM_MIN
    return match_term(narrowed, "contact", data, term, user=user, indexed=indexed)
