"""Which rows of a model a user may see, for the pages that show rows of many models at
once: the delete previews (:mod:`crm.deletion`) and Django admin (:mod:`crm.admin_privacy`).

Each app that keeps rows not every CRM user may see registers a rule per model from its
``AppConfig.ready()``: ``(queryset, viewer) -> queryset``, the rows of ``queryset`` that
``viewer`` may see — the same selector its own pages use (a private note is its author's
alone; a locked contact's e-mail is the firm administrators' alone). A model without a
rule is open to every CRM user. A row of an auto-created many-to-many table is visible
when the rows it joins are.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Model, QuerySet

Rule = Callable[[QuerySet, object], QuerySet]

_rules: dict[type[Model], Rule] = {}


def register_visibility(model: type[Model], rule: Rule) -> None:
    _rules[model] = rule


def has_rule(model: type[Model]) -> bool:
    return model in _rules or any(
        field.related_model in _rules
        for field in model._meta.concrete_fields
        if model._meta.auto_created and field.is_relation
    )


def visible(queryset: QuerySet, viewer) -> QuerySet:
    """The rows of ``queryset`` that ``viewer`` may see (not run: a filter)."""
    model = queryset.model
    rule = _rules.get(model)
    if rule is not None:
        return rule(queryset, viewer)
    if model._meta.auto_created:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in _rules:
                ends = visible(field.related_model._default_manager.all(), viewer)
                queryset = queryset.filter(**{f"{field.name}__in": ends.values("pk")})
    return queryset


def hidden_objects(objs: Iterable[Model], viewer) -> set[Model]:
    """Those of ``objs`` (instances of any models) that ``viewer`` may not see: one
    query per model that has a rule, none for the others."""
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for obj in objs:
        by_model[type(obj)].append(obj)
    hidden = set()
    for model, rows in by_model.items():
        if not has_rule(model):
            continue
        pks = [row.pk for row in rows]
        seen = set(
            visible(model._default_manager.filter(pk__in=pks), viewer).values_list("pk", flat=True)
        )
        hidden.update(row for row in rows if row.pk not in seen)
    return hidden
