"""What a delete takes with it, or what stops it, said before the user confirms.

Only what the viewer may see is named or counted (:mod:`crm.visibility`): another user's
private note or a locked contact's e-mail goes with the contact all the same, but the
preview does not tell that it exists, not even as a number.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.admin.utils import NestedObjects, model_ngettext
from django.core.exceptions import ValidationError
from django.db import router
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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


def confirm_page(
    request,
    *,
    question: str,
    cancel_url: str,
    title: str = "",
    consequences: list | None = None,
    blockers: list = (),
    kept: str = "",
    lead: str = "",
    items: list = (),
    notes: list = (),
    confirm: str = "",
    cancel: str = "",
    next_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page that asks before a delete or a removal (templates/crm/confirm_delete.html):
    ``consequences`` and ``blockers`` as :func:`delete_preview` gives them (None: no
    preview), the rest as that template describes."""
    return render(
        request,
        "crm/confirm_delete.html",
        {
            "title": title,
            "question": question,
            "consequences": consequences,
            "blockers": blockers,
            "kept": kept,
            "lead": lead,
            "items": items,
            "notes": notes,
            "confirm": confirm,
            "cancel": cancel,
            "cancel_url": cancel_url,
            "next": next_url,
        },
        status=status,
    )


def delete_with_preview(
    request, obj, *, delete, name: str, title: str, kept: str = "", done: str
) -> HttpResponse:
    """A card's «Delete» page: what goes with ``obj`` or what stops it, and on POST
    ``delete()`` (the service) unless something blocks it, then on to ``done`` (a URL or
    a URL name). A refusal from the service
    comes back to this page as a message; a blocked POST answers 409."""
    consequences, blockers = delete_preview(obj, viewer=request.user)
    if request.method == "POST" and not blockers:
        try:
            delete()
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect(request.path)
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
        return redirect(done)
    return confirm_page(
        request,
        title=title,
        question=_("Delete %(name)s?") % {"name": name},
        consequences=consequences,
        blockers=blockers,
        kept=kept,
        cancel_url=obj.get_absolute_url(),
        status=409 if blockers and request.method == "POST" else 200,
    )
