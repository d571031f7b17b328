"""What a delete takes with it, or what stops it, said before the user confirms.

Only what the viewer may see is named or counted (:mod:`crm.visibility`): another user's
private note or a locked contact's e-mail goes with the contact all the same, but the
preview does not tell that it exists, not even as a number.
"""

from collections import Counter

from django.contrib.admin.utils import NestedObjects, model_ngettext
from django.db import router

from .visibility import hidden_objects


def collect(objs, *, viewer) -> tuple[NestedObjects, set]:
    """Everything deleting ``objs`` takes with it (and what protects them), and which of
    those rows ``viewer`` may not see: hidden rows and what goes with them."""
    objs = list(objs)
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    rows = [row for found in collector.model_objs.values() for row in found]
    hidden = hidden_objects([*rows, *collector.protected], viewer)
    todo = list(hidden)
    while todo:
        for child in collector.edges.get(todo.pop(), ()):
            if child not in hidden:
                hidden.add(child)
                todo.append(child)
    return collector, hidden


def _counted(counts: Counter) -> list[tuple[str, int]]:
    """(label, count) with the label in the number the count needs: «1 notat»,
    «5 notater»."""
    return sorted(
        (model_ngettext(model._meta, count), count) for model, count in counts.items() if count
    )


def delete_preview(obj, *, viewer) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(what goes with ``obj``, what blocks deleting it), each as (label, count), counting
    only rows ``viewer`` may see.

    Blockers are rows that point at ``obj`` with on_delete=PROTECT, such as invoices:
    bookkeeping records that must be kept. One the viewer may not see is not listed; the
    delete service still refuses it.
    """
    collector, hidden = collect([obj], viewer=viewer)
    consequences = Counter(
        {
            model: sum(1 for row in rows if row not in hidden)
            for model, rows in collector.model_objs.items()
            if model is not type(obj) and not model._meta.auto_created
        }
    )
    blocked = Counter(type(row) for row in collector.protected if row not in hidden)
    return _counted(consequences), _counted(blocked)


def delete_consequences(obj, *, viewer) -> list[tuple[str, int]]:
    """Only what goes with ``obj``: for objects nothing protected points at."""
    return delete_preview(obj, viewer=viewer)[0]
