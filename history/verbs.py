"""Sentences for timeline entries, in the UI language of whoever reads them.

Each app registers a sentence per verb from its ``AppConfig.ready()``::

    register_verb("tasks.created", _("%(actor)s created the task «%(title)s»"))

The sentence is a lazy translation formatted with ``%(actor)s`` (the user's name or the
command's) and the keys of the entry's ``data``. A callable ``(entry, actor) -> str``
may stand instead of a sentence when the wording depends on the data. A verb nobody has
registered, or data missing a key, still renders (never an error on the timeline).
``formats`` shows chosen keys of the data in the reader's language, such as an amount
stored as "8060.25" read as «8 060,25 kr» (``formats={"amount": crm.money.kr}``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_sentences: dict[str, Any] = {}
_formats: dict[str, dict[str, Callable[[Any], str]]] = {}


def register_verb(
    verb: str, sentence: Any | Callable, *, formats: dict[str, Callable[[Any], str]] | None = None
) -> None:
    _sentences[verb] = sentence
    _formats[verb] = formats or {}


def registered_verbs() -> list[str]:
    return sorted(_sentences)


class _Data(dict):
    """Formatting data that turns a missing key into an ellipsis instead of a KeyError."""

    def __missing__(self, key):
        return "…"


def actor_name(entry) -> str:
    user = entry.actor
    if user is not None:
        return user.get_full_name() or user.get_username()
    return entry.actor_label or gettext("The system")


def render(entry) -> str:
    """The entry as one sentence in the current language."""
    actor = actor_name(entry)
    sentence = _sentences.get(entry.verb)
    if sentence is None:
        return gettext("%(actor)s: %(event)s") % {"actor": actor, "event": entry.verb}
    if not isinstance(sentence, str | Promise):
        return sentence(entry, actor)
    data = entry.data if isinstance(entry.data, dict) else {}
    formats = _formats.get(entry.verb, {})
    try:
        shown = {k: formats[k](v) if k in formats else _show(v) for k, v in data.items()}
        return str(sentence) % _Data(shown, actor=actor)
    except (TypeError, ValueError):
        return gettext("%(actor)s: %(event)s") % {"actor": actor, "event": entry.verb}


def _show(value) -> str:
    if value is None or value == "":
        return gettext("(empty)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        # Dates come out of the JSON snapshots as ISO text; users read dd.mm.yyyy.
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- the verbs captured from the contacts and companies tables -----------------------

# Columns of the tracked tables that are bookkeeping, not data a user changed.
IGNORED_FIELDS = {"id", "created_at", "updated_at", "sort_key", "contact_id", "company_id"}


def field_label(model_label: str, column: str) -> str:
    try:
        model = apps.get_model(model_label)
        for field in model._meta.concrete_fields:
            if field.column == column:
                return str(field.verbose_name)
        return str(model._meta.get_field(column).verbose_name)
    except (LookupError, FieldDoesNotExist):
        return column


def _changes(entry, actor, model_label, sentence_each):
    changes = (entry.data or {}).get("changes") or {}
    parts = []
    for column, pair in sorted(changes.items()):
        if column in IGNORED_FIELDS:
            continue
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        parts.append(
            sentence_each
            % {
                "actor": actor,
                "field": field_label(model_label, column),
                "old": _show(_display(column, old)),
                "new": _show(_display(column, new)),
                **{k: _show(v) for k, v in (entry.data or {}).items() if k != "changes"},
            }
        )
    if not parts:
        return gettext("%(actor)s saved the contact without changes") % {"actor": actor}
    return "; ".join(parts)


PHONE_COLUMNS = {"mobile", "work_phone", "private_phone", "phone"}


def _display(column, value):
    if column in PHONE_COLUMNS and isinstance(value, str) and value.startswith("+"):
        try:
            number = phonenumbers.parse(value)
        except phonenumbers.NumberParseException:
            return value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if column == "owner_id" and value not in (None, ""):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=value).first()
        return (user.get_full_name() or user.get_username()) if user else value
    return value


def _contact_changed(entry, actor):
    return _changes(
        entry,
        actor,
        "contacts.Contact",
        gettext("%(actor)s changed %(field)s from %(old)s to %(new)s"),
    )


def _link_changed(entry, actor):
    return _changes(
        entry,
        actor,
        "companies.CompanyLink",
        gettext("%(actor)s changed %(field)s at %(company)s from %(old)s to %(new)s"),
    )


def register_builtin_verbs() -> None:
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
    register_verb(
        "companies.position_changed",
        _("%(actor)s changed the position at %(company)s from %(old)s to %(new)s"),
    )
    register_verb("companies.link_changed", _link_changed)
