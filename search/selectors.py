"""The search panel's reads: matching (S2), narrowing (S3) and the hit list (S4).

Two query shapes, chosen on purpose from the capped count:

* a frequent term (more than ``cap`` hits, or no term): walk the ``(sort_key, id)``
  btree in order and stop after one page of matches. The term is tested with
  ``strpos``/``starts_with``, which no index serves, so that the planner cannot switch to
  the trigram index and sort tens of thousands of rows;
* a rarer term: the ``icontains``/``istartswith`` lookups that the trigram GIN indexes
  (contacts/0002, companies/0002) are built on, then a sort of at most ``cap`` rows.

The total is exact up to ``cap`` (10,000) and «over 10 000» beyond, counted with a
``LIMIT cap+1`` subquery. Companies with positions and the first e-mail address come
as subquery annotations, so a page costs two queries whatever its length.
"""

from dataclasses import dataclass, field
from math import ceil

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat, JSONObject, StrIndex, Upper

from companies.models import Company, CompanyLink
from contacts.models import Contact, ContactEmail

from .filters import SearchFilter, term_lookup

PER_PAGE = 50


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
    result.searched = (
        bool(data["q"]) or any(data[name] for name in ("category",)) or data["selection"] != "all"
    )
    if data["q"] and not result.term:
        return result  # e.g. letters typed into a phone search: nothing can match
    narrowed = filterset.qs
    cap = count_cap()
    matching = _match(narrowed, result.kind, data, result.term, indexed=True)
    result.count = matching.order_by()[: cap + 1].count()
    result.over_cap = result.count > cap
    if result.over_cap:
        result.count = cap
    result.pages = max(1, ceil(result.count / PER_PAGE))
    result.page = min(max(1, page), result.pages) if not result.over_cap else max(1, page)
    frequent = result.over_cap or not result.term
    shaped = (
        _match(narrowed, result.kind, data, result.term, indexed=False) if frequent else matching
    )
    start = (result.page - 1) * PER_PAGE
    hits = shaped.order_by("sort_key", "id")[start : start + PER_PAGE]
    result.hits = list(_annotate(hits, result.kind))
    return result


def _base(kind):
    return Company.objects.all() if kind == "company" else Contact.objects.all()


def _normalise(term: str, type: str) -> str:
    if type in ("phone", "customer_number"):
        return "".join(ch for ch in term if ch.isdigit())
    return term


def _match(qs, kind, data, term, *, indexed: bool):
    if not term:
        return qs
    name, lookup = term_lookup(type=data["type"], match=data["match"], kind=kind)
    if name == "full_name":
        qs = qs.alias(full_name=Concat("first_name", Value(" "), "last_name"))
    if name == "email":
        emails = ContactEmail.objects.filter(contact=OuterRef("pk"))
        return qs.filter(Exists(_term_filter(emails, "email", lookup, term, indexed)))
    return _term_filter(qs, name, lookup, term, indexed)


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
    if kind == "company":
        return qs
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
    return qs.annotate(company_list=ArraySubquery(links), first_email=Subquery(first_email[:1]))


__all__ = ["search", "SearchResult", "PER_PAGE", "Q"]
