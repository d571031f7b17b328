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

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

_sentences: dict[str, Any] = {}
_formats: dict[str, dict[str, Callable[[Any], str]]] = {}
_actions: dict[str, Callable] = {}


def register_verb(
    verb: str, sentence: Any | Callable, *, formats: dict[str, Callable[[Any], str]] | None = None
) -> None:
    _sentences[verb] = sentence
    _formats[verb] = formats or {}


def register_verb_action(verb: str, action: Callable) -> None:
    """A link beside the entries of ``verb``: ``action(entry, viewer)`` gives
    ``(label, url)``, or None where the viewer gets none (the merge's «Angre»)."""
    _actions[verb] = action


def verb_action(entry, viewer):
    action = _actions.get(entry.verb)
    return action(entry, viewer) if action else None


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
        shown = {k: formats[k](v) if k in formats else show_value(v) for k, v in data.items()}
        return str(sentence) % _Data(shown, actor=actor)
    except (TypeError, ValueError):
        return gettext("%(actor)s: %(event)s") % {"actor": actor, "event": entry.verb}


def show_value(value) -> str:
    """A value from an entry's data as the reader reads it."""
    if value is None or value == "":
        return gettext("(empty)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        # Dates come out of the JSON snapshots as ISO text; users read dd.mm.yyyy.
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return str(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
