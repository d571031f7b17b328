"""Buttons a feature app puts on a page it does not own, by slot name, registered from
its ``AppConfig.ready()`` so that the page never learns the app's name::

    from crm.actions import register_action
    register_action("contact_card", "exports/partials/card_actions.html")

The page's view passes ``actions("contact_card")`` to its template, which includes each
template in turn (with the page's own context: ``contact`` on the card, ``result`` on the
search hits). The template decides who sees its buttons (``firm_admin`` and the like).

Slots: ``contact_card`` (the card's button row), ``contact_card_header`` (a line under the
card's name), ``contact_card_new`` (the card's «Ny …» buttons), ``search_hits`` (above the
hit list).
"""

from collections import defaultdict

_slots: dict[str, list[str]] = defaultdict(list)


def register_action(slot: str, template: str) -> None:
    if template not in _slots[slot]:
        _slots[slot].append(template)


def actions(slot: str) -> list[str]:
    return list(_slots.get(slot, ()))
