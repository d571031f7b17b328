"""Values that other apps bring along with the contact card's one query of the contact,
such as the header's current company.

An app registers ``build(request, pk) -> Expression`` under a name from its
``AppConfig.ready()``; the card's selector annotates the contact with each, so the header
reads ``contact.<name>`` instead of asking the database again. A contact loaded without
them (``name`` missing) is the app's to read its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Expression
from django.http import HttpRequest

_fields: dict[str, Callable[[HttpRequest, Any], Expression]] = {}


def register_card_field(name: str, build: Callable[[HttpRequest, Any], Expression]) -> None:
    _fields[name] = build


def card_field_annotations(request: HttpRequest, pk) -> dict[str, Expression]:
    return {name: build(request, pk) for name, build in _fields.items()}
