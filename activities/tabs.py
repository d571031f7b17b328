"""The tabs of a project page, and what activities shows in the tabs of the contact card,
the company page and the project page (registered in apps.py; see crm/tabs.py)."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.db.models import OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from crm.pagination import page_with_total
from crm.rows import add_row_urls
from crm.tabs import TabSet, count_subquery

from . import selectors
from .forms import NoteForm
from .models import AppointmentStatus, TaskPriority, TaskStatus
from .views.lists import PAGE_SIZE, status_filter

project_tabs = TabSet(order=["participants", "notes", "files"], url_name="activities:project_tab")


def card_tab_panel(request, contact_id: int, slug: str, **overrides):
    """The card's tab ``slug`` alone: the answer to an htmx click inside it."""
    from contacts.selectors import contact_for_card
    from contacts.tabs import card_tabs

    contact = contact_for_card(pk=contact_id)
    context = {"contact": contact, **card_tabs.render_context(request, contact, slug, **overrides)}
    return render(request, "contacts/contact_detail.html#tab-panel", context)


def _tab_page(request, queryset):
    return page_with_total(queryset, request.GET.get("page"), PAGE_SIZE)


def _display_labels(rows, field: str, choices) -> None:
    """``<field>_label`` as get_<field>_display() gives it, looked up in one dict:
    Django's get_FOO_display() rebuilds the choices dict on every call."""
    labels = {value: str(label) for value, label in choices.choices}
    for row in rows:
        value = getattr(row, field)
        setattr(row, f"{field}_label", labels.get(value, value))


# --- the card's Avtaler and Oppgaver -----------------------------------------------------


def appointments_tab_context(request, contact):
    selected, query = status_filter(request, AppointmentStatus)
    page = _tab_page(
        request, selectors.appointments_for_contact(contact=contact, statuses=selected)
    )
    add_row_urls(
        page,
        detail_url="activities:appointment_detail",
        update_url="activities:appointment_update",
        delete_url="activities:appointment_delete",
    )
    _display_labels(page, "status", AppointmentStatus)
    add_row_urls([a.company for a in page if a.company is not None], detail_url="companies:detail")
    tab_url = reverse("contacts:tab", args=[contact.pk, "appointments"])
    return {
        "page_obj": page,
        "statuses": AppointmentStatus.choices,
        "selected_statuses": selected,
        "filter_query": query,
        "tab_url": tab_url,
        "tab_url_q": quote(tab_url),
    }


# The card's Oppgaver tab shows what «Ferdig» or «Angre» did (and «Angre» itself) once,
# on its next rendering: the htmx answer, or the page a plain POST is redirected to.
# views/tasks.py puts the notice in the session under this key.
TASK_NOTICE_KEY = "activities:task-notice"


def _task_notice_for(request, contact) -> dict | None:
    notice = request.session.pop(TASK_NOTICE_KEY, None)
    if not notice or notice.get("contact") != contact.pk:
        return None
    if notice.get("undo"):
        notice["undo_url"] = reverse("activities:task_reopen", args=[notice["undo"]["task"]])
    return notice


def tasks_tab_context(request, contact):
    selected, query = status_filter(request, TaskStatus)
    page = _tab_page(request, selectors.tasks_for_contact(contact=contact, statuses=selected))
    add_row_urls(
        page,
        complete_url="activities:task_complete",
        update_url="activities:task_update",
        delete_url="activities:task_delete",
    )
    _display_labels(page, "status", TaskStatus)
    _display_labels(page, "priority", TaskPriority)
    tab_url = reverse("contacts:tab", args=[contact.pk, "tasks"])
    return {
        "task_notice": _task_notice_for(request, contact),
        "page_obj": page,
        "statuses": TaskStatus.choices,
        "selected_statuses": selected,
        "filter_query": query,
        "today": timezone.localdate(),
        "tab_url": tab_url,
        "tab_url_q": quote(tab_url),
    }


# --- Notater on the card, the company page and the project page --------------------------
# ``note_form``: the refused form of a note just posted (views/notes.py), shown again with
# its errors; otherwise an empty one.


def _notes_page(request, notes):
    page = _tab_page(request, notes)
    add_row_urls(page, update_url="activities:note_update", delete_url="activities:note_delete")
    return page


def contact_notes_tab_context(request, contact, *, note_form: NoteForm | None = None):
    notes = selectors.notes_for_contact(user=request.user, contact=contact)
    page = _notes_page(request, notes)
    add_row_urls([n.company for n in page if n.company_id], detail_url="companies:detail")
    add_row_urls([n.project for n in page if n.project_id], detail_url="activities:project_detail")
    return {
        "page_obj": page,
        "note_form": note_form or NoteForm(),
        "note_action": reverse("activities:note_create") + f"?contact={contact.pk}",
        "note_target": "contact",
        "notes_tab_url": reverse("contacts:tab", args=[contact.pk, "notes"]),
    }


def company_notes_tab_context(request, company, *, note_form: NoteForm | None = None):
    notes = selectors.notes_for_company(user=request.user, company=company)
    return {
        "page_obj": _notes_page(request, notes),
        "note_form": note_form or NoteForm(company=company),
        "note_action": reverse("activities:note_create") + f"?company={company.pk}",
        "note_target": "company",
        "notes_tab_url": reverse("companies:tab", args=[company.pk, "notes"]),
    }


def project_notes_tab_context(request, project, *, note_form: NoteForm | None = None):
    notes = selectors.notes_for_project(user=request.user, project=project)
    return {
        "page_obj": _notes_page(request, notes),
        "note_form": note_form or NoteForm(),
        "note_action": reverse("activities:note_create") + f"?project={project.pk}",
        "note_target": "project",
        "notes_tab_url": reverse("activities:project_tab", args=[project.pk, "notes"]),
    }


# --- the project's Deltakere -------------------------------------------------------------

PARTICIPANTS_PER_PAGE = 50


def project_participants_tab_context(request, project):
    page = page_with_total(
        selectors.project_participants(project=project),
        request.GET.get("page"),
        PARTICIPANTS_PER_PAGE,
    )
    return {
        "participants": page.object_list,
        "participants_page": page,
        "tab_url": reverse("activities:project_tab", args=[project.pk, "participants"]),
    }


# --- the numbers beside the card's tab labels («Notater 12») -----------------------------
# Appointments and tasks count what the tab opens with (the open ones); notes, the ones the
# viewer may read. The card's selector folds them into its query of the contact.


def contact_appointments_count(request, pk):
    return _open_appointments_count()


def contact_tasks_count(request, pk):
    return _open_tasks_count()


# The contact's row as OuterRef("pk"): nothing of the request, so built once (crm/tabs.py).
@functools.cache
def _open_appointments_count():
    return count_subquery(
        selectors.appointments_for_contact(
            contact=OuterRef("pk"), statuses=list(AppointmentStatus.open_values())
        )
    )


@functools.cache
def _open_tasks_count():
    return count_subquery(
        selectors.tasks_for_contact(
            contact=OuterRef("pk"), statuses=list(TaskStatus.open_values())
        )
    )


def contact_notes_count(request, pk):
    return _notes_count(request.user, request.user.is_active)


# The contact's row as OuterRef("pk"), and the viewer: built once per user (and whether
# active, which the privacy rule also reads) for the users seen lately (crm/tabs.py).
@functools.lru_cache(maxsize=1024)
def _notes_count(user, _active: bool):
    return count_subquery(selectors.notes_concerning(user=user, contact=OuterRef("pk")))
