"""Tasks: «Ny oppgave», edit, «Ferdig» and its «Angre», delete."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contacts.models import Contact
from crm.access import crm_view
from crm.deletion import confirm_page
from crm.next_url import next_url
from crm.params import id_filter, id_param

from .. import pickers, selectors, services
from ..forms import TaskForm
from ..models import Task, TaskStatus
from ..tabs import TASK_NOTICE_KEY, card_tab_panel
from .editing import activity_form_page


def _iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@crm_view
def task_create(request):
    """«Ny oppgave». ?contact=ID links a contact; ?group=ID gives it to a user group
    (and ?assignee=ID to one of its members); ?due=YYYY-MM-DD proposes the due date."""
    initial = {"assignee": request.user, "status": TaskStatus.NOT_STARTED}
    default_next = reverse("home")
    if (contact_id := id_param(request.GET, "contact")) is not None:
        contact = get_object_or_404(Contact, pk=contact_id)
        initial["contacts"] = [contact]
        default_next = reverse("contacts:tab", args=[contact.pk, "tasks"])
    if (group_id := id_param(request.GET, "group")) is not None:
        group = selectors.group_for_page(pk=group_id)
        initial["group"] = group
        # A group's new task has an owner: the member whose row it was made in on the
        # group calendar (?assignee=ID), else the one making it.
        members = selectors.group_members(group=group)
        assignee_id = id_filter(request.GET, "assignee")
        initial["assignee"] = next((m for m in members if m.pk == assignee_id), request.user)
        default_next = reverse("activities:group_tasks", args=[group.pk])
    if (due := _iso_date(request.GET.get("due"))) is not None:
        initial["due_date"] = due
    form = TaskForm(pickers.posted(request), initial=initial)
    return activity_form_page(
        request,
        form,
        save=lambda data: services.task_create(actor=request.user, **data),
        saved=_("The task was saved."),
        heading=_("New task"),
        default_next=default_next,
    )


@require_http_methods(["GET", "POST"])
@crm_view
def task_update(request, pk: int):
    task = selectors.task_for_page(pk=pk)
    form = TaskForm(pickers.posted(request), instance=task)
    default_next = reverse("home")
    return activity_form_page(
        request,
        form,
        save=lambda data: services.task_update(task=task, actor=request.user, **data),
        saved=_("The changes were saved."),
        heading=_("Edit task"),
        default_next=default_next,
    )


def _task_notice(request, contact_id: int | None, text: str, *, ok: bool, undo=None) -> None:
    """Tell the card's tab (``contact_id``; activities/tabs.py shows it once), or else the
    page's messages."""
    if contact_id is None:
        (messages.success if ok else messages.error)(request, text)
        return
    request.session[TASK_NOTICE_KEY] = {
        "contact": contact_id,
        "text": text,
        "ok": ok,
        "undo": undo,
    }


def _after_task_click(request, contact_id: int | None):
    if request.htmx and contact_id is not None:
        return card_tab_panel(request, contact_id, "tasks")
    return redirect(next_url(request, reverse("home")))


@require_POST
@crm_view
def task_complete(request, pk: int):
    """One click: the task is done. From a card tab, answers with the refreshed tab, which
    says so and offers «Angre»."""
    task = get_object_or_404(Task, pk=pk)
    previous = task.status
    contact_id = id_filter(request.GET, "contact")
    try:
        services.task_complete(task=task, actor=request.user)
    except ValidationError as error:
        _task_notice(request, contact_id, " ".join(error.messages), ok=False)
    else:
        _task_notice(
            request,
            contact_id,
            _("The task «%(title)s» is marked done.") % {"title": task.title},
            ok=True,
            undo={"task": task.pk, "status": previous},
        )
    return _after_task_click(request, contact_id)


@require_POST
@crm_view
def task_reopen(request, pk: int):
    """«Angre» after «Ferdig»: the task gets back the open status it had (``status``)."""
    task = get_object_or_404(Task, pk=pk)
    contact_id = id_filter(request.GET, "contact")
    try:
        services.task_reopen(task=task, actor=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        _task_notice(request, contact_id, " ".join(error.messages), ok=False)
    else:
        _task_notice(
            request,
            contact_id,
            _("The task «%(title)s» is open again.") % {"title": task.title},
            ok=True,
        )
    return _after_task_click(request, contact_id)


@require_http_methods(["GET", "POST"])
@crm_view
def task_delete(request, pk: int):
    task = get_object_or_404(Task, pk=pk)
    default_next = reverse("home")
    if request.method == "POST":
        services.task_delete(task=task, actor=request.user)
        messages.success(request, _("%(name)s was deleted.") % {"name": task.title})
        return redirect(next_url(request, default_next))
    return confirm_page(
        request,
        question=_("Delete %(what)s «%(name)s»?") % {"what": _("the task"), "name": task},
        consequences=[],
        cancel_url=next_url(request, default_next),
        next_url=next_url(request, default_next),
    )
