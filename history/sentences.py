"""The sentences of what the capture triggers record (``triggers.py``): changes to
contacts, their e-mail addresses, categories and company links, and to companies and
their categories, registered from ``HistoryConfig.ready()`` like any app's verbs.

A change names its fields as fields, in the model's order, with a verb that says what
happened to each value, and the actor once:

    Kari Nordmann endret mobil fra +47 41 00 00 00 til +47 92 00 00 00
    Kari Nordmann satte startdato hos Aune Handel DA til 01.03.2024
    Kari Nordmann endret navn fra A til B, organisasjonsnummer fra X til Y og fjernet
    poststed (var Oslo)

(«endret fra hos Aune Handel DA fra (tom) til …» read the field «Fra» as a preposition.)
"""

from __future__ import annotations

import phonenumbers
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from .verbs import register_verb, show_value

# Columns of the tracked tables that are bookkeeping, not data a user changed.
IGNORED_FIELDS = {"id", "created_at", "updated_at", "sort_key", "contact_id", "company_id"}
PHONE_COLUMNS = {"mobile", "work_phone", "private_phone", "phone"}

CHANGED, SET, REMOVED = "changed", "set", "removed"


def _model(model_label: str):
    try:
        return apps.get_model(model_label)
    except LookupError:
        return None


def field_label(model_label: str, column: str) -> str:
    model = _model(model_label)
    if model is None:
        return column
    for field in model._meta.concrete_fields:
        if field.column == column:
            return str(field.verbose_name)
    try:
        return str(model._meta.get_field(column).verbose_name)
    except FieldDoesNotExist:
        return column


def _field_order(model_label: str) -> dict[str, int]:
    model = _model(model_label)
    if model is None:
        return {}
    return {field.column: i for i, field in enumerate(model._meta.concrete_fields)}


def _choice_label(model_label: str, column: str, value):
    """A choice field's label for ``value`` («Funnet i registeret», not «found»)."""
    model = _model(model_label)
    for field in model._meta.concrete_fields if model is not None else ():
        if field.column == column and field.choices:
            return dict(field.flatchoices).get(value, value)
    return value


def _display(column, value):
    if column in PHONE_COLUMNS and isinstance(value, str) and value.startswith("+"):
        try:
            number = phonenumbers.parse(value)
        except phonenumbers.NumberParseException:
            return value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if column == "org_number" and isinstance(value, str) and orgnr.is_valid(value):
        return orgnr.format(value)  # «988 077 917», as on the company page
    if column == "owner_id" and value not in (None, ""):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=value).first()
        return (user.get_full_name() or user.get_username()) if user else value
    return value


def _kind(old, new) -> str:
    if old in (None, ""):
        return SET
    if new in (None, ""):
        return REMOVED
    return CHANGED


# The first clause of each kind says the verb; the next ones of that kind lean on it.
def _leading(kind: str, where: str) -> str:
    if where == "company":
        return {
            CHANGED: gettext("changed %(field)s at %(company)s from %(old)s to %(new)s"),
            SET: gettext("set %(field)s at %(company)s to %(new)s"),
            REMOVED: gettext("removed %(field)s at %(company)s (was %(old)s)"),
        }[kind]
    if where == "person":
        return {
            CHANGED: gettext("changed %(field)s for %(person)s from %(old)s to %(new)s"),
            SET: gettext("set %(field)s for %(person)s to %(new)s"),
            REMOVED: gettext("removed %(field)s for %(person)s (was %(old)s)"),
        }[kind]
    return {
        CHANGED: gettext("changed %(field)s from %(old)s to %(new)s"),
        SET: gettext("set %(field)s to %(new)s"),
        REMOVED: gettext("removed %(field)s (was %(old)s)"),
    }[kind]


def _following(kind: str) -> str:
    return {
        CHANGED: gettext("%(field)s from %(old)s to %(new)s"),
        SET: gettext("%(field)s to %(new)s"),
        REMOVED: gettext("%(field)s (was %(old)s)"),
    }[kind]


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def describe_changes(data, actor, model_label: str, *, where: str = "") -> str:
    """One sentence for an entry's ``data["changes"]`` ({column: [old, new]}). ``where``
    names the place once, in the first clause: "company" (``data["company"]``, a link
    seen from the card) or "person" (``data["person"]``, a link seen from the company)."""
    data = data if isinstance(data, dict) else {}
    order = _field_order(model_label)
    pairs = []
    for column, pair in (data.get("changes") or {}).items():
        if column in IGNORED_FIELDS:
            continue
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        old, new = (_choice_label(model_label, column, v) for v in (old, new))
        pairs.append((column, _display(column, old), _display(column, new)))
    if not pairs:
        return gettext("%(actor)s saved without changes") % {"actor": actor}
    pairs.sort(key=lambda p: (order.get(p[0], len(order)), p[0]))
    context = {key: show_value(data.get(key)) for key in ("company", "person")}
    clauses = []
    for kind in (CHANGED, SET, REMOVED):
        first_of_kind = True
        for column, old, new in pairs:
            if _kind(old, new) != kind:
                continue
            if first_of_kind:
                sentence = _leading(kind, "" if clauses else where)
            else:
                sentence = _following(kind)
            first_of_kind = False
            clauses.append(
                sentence
                % {
                    **context,
                    "field": field_label(model_label, column),
                    "old": show_value(old),
                    "new": show_value(new),
                }
            )
    return gettext("%(actor)s %(changes)s") % {"actor": actor, "changes": _join(clauses)}


def _contact_changed(entry, actor):
    return describe_changes(entry.data, actor, "contacts.Contact")


def _link_changed(entry, actor):
    return describe_changes(entry.data, actor, "companies.CompanyLink", where="company")


def _company_changed(entry, actor):
    return describe_changes(entry.data, actor, "companies.Company")


def _person_link_changed(entry, actor):
    return describe_changes(entry.data, actor, "companies.CompanyLink", where="person")


def _position_changed(entry, actor):
    """The position has its own event; it reads like any change to the link."""
    data = entry.data if isinstance(entry.data, dict) else {}
    changes = {"position": [data.get("old"), data.get("new")]}
    return describe_changes(
        {**data, "changes": changes}, actor, "companies.CompanyLink", where="company"
    )


def register() -> None:
    register_verb("contacts.created", _("%(actor)s created the contact"))
    register_verb("contacts.changed", _contact_changed)
    register_verb(
        "contacts.customer_number_given",
        _("%(actor)s gave the contact customer number %(customer_number)s"),
    )
    register_verb("contacts.email_added", _("%(actor)s added the e-mail address %(email)s"))
    register_verb("contacts.email_removed", _("%(actor)s removed the e-mail address %(email)s"))
    register_verb(
        "contacts.email_changed",
        _("%(actor)s changed the e-mail address from %(old)s to %(new)s"),
    )
    register_verb("contacts.category_added", _("%(actor)s added the category %(category)s"))
    register_verb("contacts.category_removed", _("%(actor)s removed the category %(category)s"))
    register_verb("companies.ended", _("%(actor)s ended the link to %(company)s on %(end_date)s"))
    register_verb("companies.linked", _("%(actor)s linked the contact to %(company)s"))
    register_verb("companies.unlinked", _("%(actor)s unlinked the contact from %(company)s"))
    register_verb("companies.position_changed", _position_changed)
    register_verb("companies.link_changed", _link_changed)
    # The company page's timeline.
    register_verb("companies.created", _("%(actor)s created the company"))
    register_verb("companies.changed", _company_changed)
    register_verb(
        "companies.customer_number_given",
        _("%(actor)s gave the company customer number %(customer_number)s"),
    )
    register_verb("companies.category_added", _("%(actor)s added the category %(category)s"))
    register_verb("companies.category_removed", _("%(actor)s removed the category %(category)s"))
    register_verb("companies.person_linked", _("%(actor)s linked %(person)s to the company"))
    register_verb("companies.person_unlinked", _("%(actor)s removed %(person)s from the company"))
    register_verb(
        "companies.person_ended",
        _("%(actor)s ended the link to %(person)s on %(end_date)s"),
    )
    register_verb("companies.person_link_changed", _person_link_changed)
