"""Rules by which other apps hide timeline entries from viewers who may not see them.

A rule is a callable ``(viewer) -> Q | None``: a Q matching the entries ``viewer`` must
not see (None: nothing to hide). The mailbox registers one that hides e-mail entries of
messages linked to any contact whose e-mail is locked, on every contact's timeline.
"""

from collections.abc import Callable

from django.db.models import Q

_rules: list[Callable[[object], Q | None]] = []


def register_hiding_rule(rule: Callable[[object], Q | None]) -> None:
    if rule not in _rules:
        _rules.append(rule)


def hidden_for(viewer) -> Q | None:
    """One Q for everything the rules hide from ``viewer``, or None."""
    combined = None
    for rule in _rules:
        q = rule(viewer)
        if q is not None:
            combined = q if combined is None else combined | q
    return combined
