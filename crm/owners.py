"""Rows that belong to a contact, a company or a project: the foreign keys and the rule
that exactly one of them is set (a note, a file's place, an order's customer, a history
entry's timeline).

The models are named by label, so the kernel imports no feature app.
"""

from functools import reduce
from operator import or_

from django.db import models
from django.utils.translation import gettext_lazy as _

OWNER_MODELS = {
    "contact": "contacts.Contact",
    "company": "companies.Company",
    "project": "activities.Project",
}
OWNERS = tuple(OWNER_MODELS)  # the foreign keys' names
_LABELS = {"contact": _("contact"), "company": _("company"), "project": _("project")}


def owner_fk(
    kind: str, *, related_name: str, on_delete=models.CASCADE, verbose_name=None, **options
) -> models.ForeignKey:
    """An optional foreign key to the ``kind`` ("contact", "company", "project") a row
    belongs to or is about; ``options`` go to the ForeignKey as they are."""
    return models.ForeignKey(
        OWNER_MODELS[kind],
        verbose_name=verbose_name or _LABELS[kind],
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        **options,
    )


def exactly_one(*fields: str, name: str, violation_error_message=None) -> models.CheckConstraint:
    """The check that exactly one of ``fields`` (foreign keys) is set."""
    condition = reduce(or_, (_only(field, fields) for field in fields))
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=violation_error_message
    )


def _only(field: str, fields) -> models.Q:
    """``field`` set, the others not."""
    return models.Q(**{f"{other}__isnull": other != field for other in fields})


def owner_of(row, fields=("contact", "company", "project")) -> dict:
    """``{"contact": id}`` (or company, or project) for the one of ``fields`` ``row``
    belongs to; empty if none is set."""
    for field in fields:
        pk = getattr(row, f"{field}_id", None)
        if pk is not None:
            return {field: pk}
    return {}
