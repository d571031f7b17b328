"""Every read the company pages and the Companies tab need."""

import functools

from django.db.models import (
    BooleanField,
    Case,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contacts.models import ContactEmail

from .models import Company, CompanyLink


def company_recent(*, limit: int = 10):
    return list(Company.objects.order_by("-created_at", "-id")[:limit])


def _with_is_current(queryset, *, today=None):
    today = today or timezone.localdate()
    return queryset.annotate(
        current=Case(
            When(Q(end_date__isnull=True) | Q(end_date__gte=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def company_links_for_contact(*, contact):
    """The contact's company links: current ones first, then former, each by company name."""
    return _links_for_contacts(timezone.localdate()).filter(contact=contact)


@functools.lru_cache(maxsize=2)
def _links_for_contacts(today):
    """What the Companies tab reads of a link, in its order, before naming the contact:
    resolved once a day (``today`` decides which links are current), then only filtered."""
    return (
        _with_is_current(CompanyLink.objects.all(), today=today)
        .select_related("company")
        # Only what the tab shows: the company's other columns cost per row to load.
        .only(
            "contact_id",
            "company_id",
            "position",
            "work_phone",
            "mobile",
            "email",
            "start_date",
            "end_date",
            "company__name",
        )
        .order_by("-current", "company__sort_key", "-end_date", "id")
    )


def company_for_page(*, pk: int) -> Company:
    return get_object_or_404(
        Company.objects.select_related("owner").prefetch_related("categories"), pk=pk
    )


def company_people(*, company):
    """The company's people with their positions: current links first, then by name (a
    queryset, to be paged: the e-mails are fetched for the rows of the page)."""
    return (
        _with_is_current(CompanyLink.objects.filter(company=company))
        .select_related("contact")
        .prefetch_related(
            Prefetch("contact__emails", queryset=ContactEmail.objects.order_by("position", "id"))
        )
        .order_by("-current", "contact__sort_key", "id")
    )


def companies_by_ids(*, ids: list[int]) -> list[Company]:
    """The companies chosen in a picker (one query)."""
    return list(Company.objects.filter(pk__in=ids).order_by("sort_key", "id")) if ids else []


def company_search(*, term: str, limit: int = 20):
    term = term.strip()
    if not term:
        return []
    return list(Company.objects.filter(name__icontains=term).order_by("sort_key", "id")[:limit])


def _current_link_rows(contact_id, today=None):
    """The contact's current company link first: the newest."""
    return (
        CompanyLink.objects.current(today)
        .filter(contact_id=contact_id)
        .order_by("-start_date", "-id")
        .values(
            json=JSONObject(company_id="company_id", name="company__name", position="position")
        )
    )


def current_link_for_card(*, contact) -> dict | None:
    """The contact's current company for the card's header, ``{"company_id", "name",
    "position"}``: brought along with the card's query of the contact
    (:func:`current_link_annotation`), else read here in one query; None when the person
    has none."""
    if hasattr(contact, CARD_FIELD):
        return getattr(contact, CARD_FIELD)
    row = _current_link_rows(contact.pk).first()
    return row["json"] if row else None


# The name the card's query gives the header's company (contacts/card_fields.py).
CARD_FIELD = "current_company_link"


def current_link_annotation(request, pk):
    return _current_link_expression(timezone.localdate())


@functools.lru_cache(maxsize=2)
def _current_link_expression(today):
    """Correlated with the contact's row (the card's query), so built once a day."""
    rows = _current_link_rows(OuterRef("pk"), today=today)
    return Subquery(rows[:1], output_field=JSONField())
