"""Every read the contact pages need."""

import functools
import threading
from collections import OrderedDict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Category, Contact, ContactEmail


def contact_recent(*, limit: int = 10):
    return list(Contact.objects.order_by("-created_at", "-id")[:limit])


@functools.cache
def _card_arrays() -> dict:
    """The card's e-mail addresses and category names as arrays of the contact's row, built
    once: ``annotate()`` resolves a copy, so the same expressions serve every card."""
    return {
        "email_addresses": ArraySubquery(
            ContactEmail.objects.filter(contact=OuterRef("pk"))
            .order_by("position", "id")
            .values("email")
        ),
        "category_names": ArraySubquery(
            Category.objects.filter(contacts=OuterRef("pk")).order_by("name").values("name")
        ),
    }


def contact_for_card(*, pk: int, annotations: dict | None = None) -> Contact:
    """The contact with what the card shows around its tabs, in one query: its e-mail
    addresses (``email_addresses``, main one first) and ``category_names`` ride along as
    arrays, and ``annotations`` (the tabs' counts, other apps' card fields) as columns."""
    return get_object_or_404(_card_queryset({**(annotations or {}), **_card_arrays()}), pk=pk)


# The card's query with its annotations resolved, for the sets of annotations seen lately.
# Resolving copies each subquery (a third of the card's Python), and the annotations are
# mostly the same objects from card to card (built once, or once per viewer or day): an
# entry is named by the identity of its expressions and holds them, so that no other
# object can take their ids while it lives. A set built afresh simply misses.
_CARD_QUERYSETS_KEPT = 256
_card_querysets: OrderedDict[tuple, tuple[dict, QuerySet]] = OrderedDict()
_card_querysets_lock = threading.Lock()


def _card_queryset(annotations: dict) -> QuerySet:
    key = tuple((name, id(expression)) for name, expression in annotations.items())
    with _card_querysets_lock:
        if key in _card_querysets:
            _card_querysets.move_to_end(key)
            return _card_querysets[key][1]
    queryset = Contact.objects.select_related("owner").annotate(**annotations)
    with _card_querysets_lock:
        _card_querysets[key] = (annotations, queryset)
        if len(_card_querysets) > _CARD_QUERYSETS_KEPT:
            _card_querysets.popitem(last=False)
    return queryset


def contact_for_edit(*, pk: int) -> Contact:
    """The contact with its e-mail addresses, for the edit form."""
    queryset = Contact.objects.prefetch_related(
        Prefetch("emails", queryset=ContactEmail.objects.order_by("position", "id")),
        "categories",
    )
    return get_object_or_404(queryset, pk=pk)


def contacts_by_ids(*, ids: list[int]) -> list[Contact]:
    """The contacts chosen in a picker (one query)."""
    return list(Contact.objects.filter(pk__in=ids).order_by("sort_key", "id")) if ids else []


def contact_search_by_last_name(*, term: str, limit: int = 20):
    """A short pick list for link dialogs, each with its e-mail as the picker's hint; the
    full search panel has its own selectors."""
    term = term.strip()
    if not term:
        return []
    contacts = list(
        Contact.objects.filter(last_name__icontains=term)
        .prefetch_related(
            Prefetch("emails", queryset=ContactEmail.objects.order_by("position", "id"))
        )
        .order_by("sort_key", "id")[:limit]
    )
    for contact in contacts:
        contact.pick_hint = contact.primary_email
    return contacts
