"""The matching note beside each hit of a note search, cut around the term.

:func:`note_snippets` gives each hit its newest matching note that the user may read (one
query for the page); :func:`snippet` cuts that text to a :class:`Snippet` of
``SNIPPET_CONTEXT`` characters on each side of the term. The parts are plain text: the
template (``search/partials/note_snippet.html``) escapes them and marks the match.
"""

import re
from typing import NamedTuple

from django.db.models import OuterRef, Subquery

from .matching import visible_notes, walked_notes

# Characters of a note shown on each side of the match in the hit list.
SNIPPET_CONTEXT = 60
# Characters shown from the start of a note when the match is not found in Python.
SNIPPET_HEAD = 2 * SNIPPET_CONTEXT
# Marks text cut off at either end.
ELLIPSIS = "…"


class Snippet(NamedTuple):
    """A matching note around the term: ``before``, ``match`` (marked) and ``after``."""

    before: str
    match: str
    after: str


def term_pattern(term: str) -> re.Pattern:
    """The term as typed, found in any case (``%`` and ``_`` literal, as in the search)."""
    return re.compile(re.escape(term), re.IGNORECASE)


def snippet(text: str, pattern: re.Pattern) -> Snippet:
    """``text`` on one line, cut to ``SNIPPET_CONTEXT`` characters around the first match."""
    text = " ".join(text.split())
    found = pattern.search(text)
    if found is None:  # the database matched a case form Python does not: show the start
        return Snippet(text[:SNIPPET_HEAD], "", ELLIPSIS if len(text) > SNIPPET_HEAD else "")
    start, end = max(0, found.start() - SNIPPET_CONTEXT), found.end() + SNIPPET_CONTEXT
    before = (ELLIPSIS if start else "") + text[start : found.start()]
    after = text[found.end() : end] + (ELLIPSIS if end < len(text) else "")
    return Snippet(before, found.group(), after)


def newest_note_text(user, term: str, *, starts: bool, kind: str) -> Subquery:
    """Each hit row's newest matching note that ``user`` may read, as a column of the
    page's query (``note_text``): the notes that concern the row along each route
    (``NoteQuerySet.for_contact``; a company's own notes), tested against the term, for
    the page's rows alone. A second query for the page's fifty took 5 ms, most of it
    building the query. The term's test is in the form no index serves
    (:func:`~search.matching.walked_notes`): the trigram index would read every matching
    note for each row."""
    notes = walked_notes(user, term, starts=starts)
    if kind == "company":
        notes = notes.filter(company=OuterRef("pk"))
    else:
        notes = notes.for_contact(OuterRef("pk"))
    return Subquery(notes.order_by("-created_at", "-id").values("text")[:1])


def note_snippets(result, user, *, starts: bool) -> None:
    """Give each hit of a note search (``result``, a ``SearchResult``) its newest matching
    note that the user may read, as ``note_snippet`` (a :class:`Snippet`, None when the
    hit has none): cut from the ``note_text`` the page's query read (:func:`newest_note_text`),
    or read for hits without it in one query."""
    result.notes = True
    if not result.hits:
        return
    pattern = term_pattern(result.term)
    if all(hasattr(hit, "note_text") for hit in result.hits):
        for hit in result.hits:
            hit.note_snippet = snippet(hit.note_text, pattern) if hit.note_text else None
        return
    notes = visible_notes(user, result.term, starts=starts)
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
    for hit in result.hits:
        text = newest.get(hit.pk, ("", None))[0]
        hit.note_snippet = snippet(text, pattern) if text else None
