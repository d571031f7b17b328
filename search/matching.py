"""How a search term matches: the filter on contacts, companies, e-mails or notes.

Each test comes in two forms (``indexed``): the lookups the trigram GIN indexes are made
for (``UPPER(col) LIKE UPPER('%term%')``; contacts/0002, companies/0002 and /0005,
activities/0002), and the same test in a form no index serves (``STRPOS``/``STARTS_WITH``),
for the plans that walk a btree in order and should not be lured off it by a trigram
index (see :mod:`search.selectors`). Which lookup a type and «match» mean is
``filters.term_lookup``.
"""

import string

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Concat, StrIndex, Upper

from activities.models import Note
from contacts.models import ContactEmail

from .filters import term_lookup

# The search types whose terms are digits only: anything else typed is dropped.
DIGIT_TYPES = ("phone", "customer_number")


def normalise(term: str, type: str) -> str:
    if type in DIGIT_TYPES:
        return "".join(ch for ch in term if ch in string.digits)
    return term


def match_term(qs, kind, data, term, *, user, indexed: bool):
    """``qs`` narrowed to the rows the term matches, by the panel's type and «match»."""
    if not term:
        return qs
    name, lookup = term_lookup(type=data["type"], match=data["match"], kind=kind)
    if name == "note_text":
        return qs.filter(pk__in=note_hits(user, kind, lookup, term, indexed))
    if name == "full_name":
        qs = qs.alias(full_name=Concat("first_name", Value(" "), "last_name"))
    if name == "email" and kind == "contact":
        emails = ContactEmail.objects.filter(contact=OuterRef("pk"))
        return qs.filter(Exists(term_filter(emails, "email", lookup, term, indexed)))
    return term_filter(qs, name, lookup, term, indexed)


# Letters whose one upper case and one lower case map to each other, in Python as in
# PostgreSQL's UPPER(): a term of these (and of anything that is no letter) has the
# spellings of :func:`spellings`.
_CASE_SAFE = frozenset(string.ascii_letters + "æøåäöüéèáàÆØÅÄÖÜÉÈÁÀ")


def spellings(term: str) -> list[str] | None:
    """The ways a term is mostly written: as typed, in lower case and capitalised.

    Each is the term but for case, so a text that holds one of them as it is (a plain
    ``LIKE``) matches the term regardless of case too (``UPPER(text) LIKE UPPER(term)``):
    evidence for the counts that only have to find enough matches to prove «over the cap»,
    without the ``UPPER()`` of each row's text, two thirds of the test's cost. None when
    the term holds a letter outside ``_CASE_SAFE``, whose case may not map one to one."""
    if any(ch.isalpha() and ch not in _CASE_SAFE for ch in term):
        return None
    return list(dict.fromkeys([term, term.lower(), term[:1].upper() + term[1:].lower()]))


def matching_addresses(data, term):
    """The addresses the term matches, by the trigram index ``contact_email_trgm``."""
    _name, lookup = term_lookup(type=data["type"], match=data["match"], kind="contact")
    return term_filter(ContactEmail.objects.order_by(), "email", lookup, term, True)


def email_contacts(data, term, cap: int) -> int | None:
    """How many contacts have an address that matches, up to ``cap + 1``, from the
    addresses alone: the first ``cap + 1`` the trigram index finds and their distinct
    contacts, without joining a contact or collecting every match («hansen»: 15 ms,
    where the join took 49). None when that cannot tell: ``cap + 1`` addresses found, but
    on fewer contacts (some have two that match). For the unnarrowed search only, which
    lists every contact."""
    found = (
        matching_addresses(data, term)
        .values("contact_id")[: cap + 1]
        .aggregate(rows=Count("*"), contacts=Count("contact_id", distinct=True))
    )
    if found["rows"] <= cap or found["contacts"] > cap:
        return found["contacts"]
    return None


def note_hits(user, kind, lookup, term, indexed):
    """The ids of the contacts (or companies) with a note the user may read whose text
    matches: privacy from ``visible_to``, which notes concern a contact from
    ``contact_ids`` (the card's notes tab's rule).

    Planned from the notes: the trigram index ``note_text_trgm`` finds the few matching
    notes and PostgreSQL joins their contacts, rather than test each contact's notes.
    """
    notes = term_filter(Note.objects.visible_to(user), "text", lookup, term, indexed)
    if kind == "company":
        return notes.filter(company__isnull=False).order_by().values("company_id")
    return notes.contact_ids()


def visible_notes(user, term, *, starts: bool):
    """The notes ``user`` may read whose text matches ``term``, by the trigram index."""
    _name, lookup = term_lookup(
        type="note", match="starts" if starts else "contains", kind="contact"
    )
    return term_filter(Note.objects.visible_to(user), "text", lookup, term, True)


def walked_notes(user, term, *, starts: bool):
    """:func:`visible_notes` in the form no index serves, for a walk that tests each
    contact's few notes: the trigram index would lure the plan into reading every note
    that matches for each contact tested."""
    _name, lookup = term_lookup(
        type="note", match="starts" if starts else "contains", kind="contact"
    )
    return term_filter(Note.objects.visible_to(user), "text", lookup, term, False)


class ProbedExists(Exists):
    """``EXISTS`` run as a probe for each row tested. PostgreSQL would turn an ``EXISTS``
    under an ``OR`` into a hashed subplan that reads every matching note first (0.6 s for
    a frequent word on a million notes); an ``OFFSET`` in the subquery keeps it from
    rewriting the test, so each row probes the route's index and a walk stops early."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def noted(user, term, *, starts: bool):
    """A filter for contacts with a note ``user`` may read whose text matches: one
    ``EXISTS`` per route a note concerns a contact by (``NoteQuerySet.concerning``), each
    probing its own index (the notes' contact key, the contact persons' and participants'
    links), so that a walk of the contacts in name order tests each in a few microseconds."""
    tests = [
        ProbedExists(route)
        for route in walked_notes(user, term, starts=starts).concerning(OuterRef("pk"))
    ]
    found = Q(tests[0])
    for test in tests[1:]:
        found |= Q(test)
    return found


def term_filter(qs, name, lookup, term, indexed):
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
