"""Pages for appointments, tasks, notes, projects, the Planner and the group calendar."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from companies.models import Company
from contacts.models import Contact
from crm import user_picker
from crm.access import crm_view
from crm.deletion import delete_consequences
from crm.forms import apply_validation_error
from crm.next_url import next_url
from crm.pagination import page_of, page_with_total
from crm.params import id_filter, id_param, text_param
from crm.tabs import TAB_VARY_HEADERS, wants_panel_only
from crm.user_picker import crm_users

from . import calendar, pickers, selectors, services
from .forms import AppointmentForm, NoteEditForm, NoteForm, ProjectForm, TaskForm, local_datetime
from .models import Appointment, AppointmentStatus, Project, Task, TaskPriority, TaskStatus
from .tabs import project_tabs

PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------


def status_filter(request, choices) -> tuple[list[str], str]:
    """The statuses ticked in the filter (default: the open ones) and the query string that
    keeps them across pages. ``f=1`` marks a submitted filter, so «none ticked» means all."""
    valid = {value for value, _label in choices.choices}
    if "status" in request.GET or request.GET.get("f"):
        selected = [s for s in request.GET.getlist("status") if s in valid]
    else:
        selected = list(choices.open_values())
    query = urlencode([("f", "1"), *(("status", s) for s in selected)])
    return selected, query


def _page(request, queryset):
    return page_of(queryset, request.GET.get("page"), PAGE_SIZE)


def _card_tab_panel(request, contact_id: int, slug: str, **overrides):
    from contacts.selectors import contact_for_card
    from contacts.tabs import card_tabs

    contact = contact_for_card(pk=contact_id)
    context = {"contact": contact, **card_tabs.render_context(request, contact, slug, **overrides)}
    return render(request, "contacts/contact_detail.html#tab-panel", context)


# --- card tabs -------------------------------------------------------------------------


def _tab_page(request, queryset):
    return page_with_total(queryset, request.GET.get("page"), PAGE_SIZE)


def _row_urls(rows, **names: str) -> None:
    """Give each row ``<attr>`` = the URL ``names[attr]`` for its pk: reverse() once per
    name instead of a {% url %} per row (a tab renders dozens of rows)."""
    marker = "2147483647"
    patterns = {
        attr: reverse(name, args=[int(marker)]).partition(marker)[::2]
        for attr, name in names.items()
    }
    for row in rows:
        for attr, (head, tail) in patterns.items():
            setattr(row, attr, f"{head}{row.pk}{tail}")


def _display_labels(rows, field: str, choices) -> None:
    """``<field>_label`` as get_<field>_display() gives it, looked up in one dict:
    Django's get_FOO_display() rebuilds the choices dict on every call."""
    labels = {value: str(label) for value, label in choices.choices}
    for row in rows:
        value = getattr(row, field)
        setattr(row, f"{field}_label", labels.get(value, value))


def appointments_tab_context(request, contact):
    selected, query = status_filter(request, AppointmentStatus)
    page = _tab_page(
        request, selectors.appointments_for_contact(contact=contact, statuses=selected)
    )
    _row_urls(
        page,
        detail_url="activities:appointment_detail",
        update_url="activities:appointment_update",
        delete_url="activities:appointment_delete",
    )
    _display_labels(page, "status", AppointmentStatus)
    _row_urls([a.company for a in page if a.company is not None], detail_url="companies:detail")
    tab_url = reverse("contacts:tab", args=[contact.pk, "appointments"])
    return {
        "page_obj": page,
        "statuses": AppointmentStatus.choices,
        "selected_statuses": selected,
        "filter_query": query,
        "tab_url": tab_url,
        "tab_url_q": quote(tab_url),
    }


def tasks_tab_context(request, contact):
    selected, query = status_filter(request, TaskStatus)
    page = _tab_page(request, selectors.tasks_for_contact(contact=contact, statuses=selected))
    _row_urls(
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


def _notes_page(request, notes):
    page = _tab_page(request, notes)
    _row_urls(page, update_url="activities:note_update", delete_url="activities:note_delete")
    return page


def contact_notes_tab_context(request, contact, *, note_form: NoteForm | None = None):
    notes = selectors.notes_for_contact(user=request.user, contact=contact)
    page = _notes_page(request, notes)
    _row_urls([n.company for n in page if n.company_id], detail_url="companies:detail")
    _row_urls([n.project for n in page if n.project_id], detail_url="activities:project_detail")
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


# --- projects --------------------------------------------------------------------------


def _project_form_context(form, **extra) -> dict:
    participants = pickers.contact_picker(form, label=_("Participants"))
    return {"form": form, "contact_picker": participants, **extra}


def _activity_form_context(form, **extra) -> dict:
    user_field = pickers.PARTICIPANTS if pickers.PARTICIPANTS in form.fields else pickers.ASSIGNEE
    return {
        "form": form,
        "user_picker": user_picker.user_picker(form, user_field),
        "contact_picker": pickers.contact_picker(form),
        "company_picker": pickers.company_picker(form),
        **extra,
    }


@require_GET
@crm_view
def project_list(request):
    page = _page(request, selectors.project_list())
    return render(request, "activities/project_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@crm_view
def project_create(request):
    form = ProjectForm(pickers.posted(request))
    if pickers.saving(form):
        try:
            project = services.project_create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                status=form.cleaned_data["status"],
                participants=form.cleaned_data["contacts"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "activities/project_form.html", _project_form_context(form))


@require_GET
@vary_on_headers(*TAB_VARY_HEADERS)
@crm_view
def project_detail(request, pk: int, tab: str | None = None):
    project = selectors.project_for_page(pk=pk)
    context = {"project": project, **project_tabs.render_context(request, project, tab)}
    if wants_panel_only(request, tab):
        return render(request, "activities/project_detail.html#tab-panel", context)
    return render(request, "activities/project_detail.html", context)


@require_http_methods(["GET", "POST"])
@crm_view
def project_update(request, pk: int):
    project = selectors.project_for_page(pk=pk)
    form = ProjectForm(pickers.posted(request), instance=project)
    if pickers.saving(form):
        try:
            services.project_update(
                project=project,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                status=form.cleaned_data["status"],
                participants=form.cleaned_data["contacts"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(project)
    return render(
        request, "activities/project_form.html", _project_form_context(form, project=project)
    )


@require_http_methods(["GET", "POST"])
@crm_view
def project_delete(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    if request.method == "POST":
        services.project_delete(project=project)
        messages.success(request, _("%(name)s was deleted.") % {"name": project.name})
        return redirect("activities:project_list")
    return render(
        request,
        "activities/confirm_delete.html",
        {
            "object": project,
            "what": _("the project"),
            "consequences": delete_consequences(project, viewer=request.user),
            "cancel_url": project.get_absolute_url(),
        },
    )


# --- appointments ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@crm_view
def appointment_create(request):
    """«Ny avtale». ?contact=ID links a contact; ?start=YYYY-MM-DDTHH:MM sets the time."""
    initial = {"participants": [request.user], "status": AppointmentStatus.PLANNED}
    if (contact_id := id_param(request.GET, "contact")) is not None:
        contact = get_object_or_404(Contact, pk=contact_id)
        initial["contacts"] = [contact]
        default_next = reverse("contacts:tab", args=[contact.pk, "appointments"])
    else:
        default_next = reverse("activities:planner")
    if (company_id := id_param(request.GET, "company")) is not None:
        initial["company"] = get_object_or_404(Company, pk=company_id)
    start = _parse_start(request.GET.get("start", ""))
    initial["start_date"] = initial["end_date"] = start.date()
    initial["start_time"] = start.time()
    initial["end_time"] = (start + dt.timedelta(hours=1)).time()
    form = AppointmentForm(pickers.posted(request), initial=initial)
    if pickers.saving(form):
        try:
            services.appointment_create(
                actor=request.user, owner=request.user, **form.service_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The appointment was saved."))
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/appointment_form.html",
        _activity_form_context(form, next=next_url(request, default_next)),
    )


def _parse_start(value: str) -> dt.datetime:
    try:
        start = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        now = timezone.localtime()
        start = (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        return start.replace(tzinfo=None)
    return start


@require_GET
@crm_view
def appointment_detail(request, pk: int):
    appointment = selectors.appointment_for_page(pk=pk)
    return render(request, "activities/appointment_detail.html", {"appointment": appointment})


@require_http_methods(["GET", "POST"])
@crm_view
def appointment_update(request, pk: int):
    appointment = selectors.appointment_for_page(pk=pk)
    form = AppointmentForm(
        pickers.posted(request), initial=AppointmentForm.initial_for(appointment)
    )
    default_next = appointment.get_absolute_url()
    if pickers.saving(form):
        try:
            services.appointment_update(
                appointment=appointment, actor=request.user, **form.service_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/appointment_form.html",
        _activity_form_context(
            form, appointment=appointment, next=next_url(request, default_next)
        ),
    )


@require_http_methods(["GET", "POST"])
@crm_view
def appointment_delete(request, pk: int):
    appointment = get_object_or_404(Appointment, pk=pk)
    default_next = reverse("activities:planner")
    if request.method == "POST":
        services.appointment_delete(appointment=appointment, actor=request.user)
        messages.success(request, _("%(name)s was deleted.") % {"name": appointment.title})
        return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/confirm_delete.html",
        {
            "object": appointment,
            "what": _("the appointment"),
            "consequences": [],
            "cancel_url": appointment.get_absolute_url(),
            "next": next_url(request, default_next),
        },
    )


@require_GET
@crm_view
def appointment_ics(request, pk: int):
    appointment = selectors.appointment_for_page(pk=pk)
    response = HttpResponse(
        calendar.appointment_ics(appointment, host=request.get_host()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="avtale-{appointment.pk}.ics"'
    return response


# --- tasks -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@crm_view
def task_create(request):
    """«Ny oppgave». ?contact=ID links a contact; ?group=ID gives it to a user group."""
    initial = {"assignee": request.user, "status": TaskStatus.NOT_STARTED}
    default_next = reverse("home")
    if (contact_id := id_param(request.GET, "contact")) is not None:
        contact = get_object_or_404(Contact, pk=contact_id)
        initial["contacts"] = [contact]
        default_next = reverse("contacts:tab", args=[contact.pk, "tasks"])
    if (group_id := id_param(request.GET, "group")) is not None:
        group = selectors.group_for_page(pk=group_id)
        initial["group"] = group
        initial["assignee"] = None
        default_next = reverse("activities:group_tasks", args=[group.pk])
    form = TaskForm(pickers.posted(request), initial=initial)
    if pickers.saving(form):
        try:
            services.task_create(actor=request.user, **form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The task was saved."))
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/task_form.html",
        _activity_form_context(form, next=next_url(request, default_next)),
    )


@require_http_methods(["GET", "POST"])
@crm_view
def task_update(request, pk: int):
    task = selectors.task_for_page(pk=pk)
    form = TaskForm(pickers.posted(request), instance=task)
    default_next = reverse("home")
    if pickers.saving(form):
        try:
            services.task_update(task=task, actor=request.user, **form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/task_form.html",
        _activity_form_context(form, task=task, next=next_url(request, default_next)),
    )


# The card's Oppgaver tab shows what «Ferdig» or «Angre» did (and «Angre» itself) once,
# on its next rendering: the htmx answer, or the page a plain POST is redirected to.
TASK_NOTICE_KEY = "activities:task-notice"


def _task_notice(request, contact_id: int | None, text: str, *, ok: bool, undo=None) -> None:
    """Tell the card's tab (``contact_id``), or else the page's messages."""
    if contact_id is None:
        (messages.success if ok else messages.error)(request, text)
        return
    request.session[TASK_NOTICE_KEY] = {
        "contact": contact_id,
        "text": text,
        "ok": ok,
        "undo": undo,
    }


def _task_notice_for(request, contact) -> dict | None:
    notice = request.session.pop(TASK_NOTICE_KEY, None)
    if not notice or notice.get("contact") != contact.pk:
        return None
    if notice.get("undo"):
        notice["undo_url"] = reverse("activities:task_reopen", args=[notice["undo"]["task"]])
    return notice


def _after_task_click(request, contact_id: int | None):
    if request.htmx and contact_id is not None:
        return _card_tab_panel(request, contact_id, "tasks")
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
    return render(
        request,
        "activities/confirm_delete.html",
        {
            "object": task,
            "what": _("the task"),
            "consequences": [],
            "cancel_url": next_url(request, default_next),
            "next": next_url(request, default_next),
        },
    )


# --- notes -----------------------------------------------------------------------------


@require_POST
@crm_view
def note_create(request):
    """A new note on ?contact=, ?company= or ?project=; answers with the refreshed tab."""
    contact = company = project = None
    if (pk := id_param(request.GET, "contact")) is not None:
        contact = get_object_or_404(Contact, pk=pk)
    elif (pk := id_param(request.GET, "company")) is not None:
        company = get_object_or_404(Company, pk=pk)
    elif (pk := id_param(request.GET, "project")) is not None:
        project = get_object_or_404(Project, pk=pk)
    else:
        return HttpResponse(_("Say where the note belongs."), status=400)
    form = NoteForm(request.POST, company=company)
    saved = False
    if form.is_valid():
        try:
            services.note_create(
                author=request.user,
                text=form.cleaned_data["text"],
                private=form.cleaned_data["private"],
                contact=contact,
                company=company,
                project=project,
                contact_persons=form.cleaned_data.get("contact_persons") or (),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            saved = True
    # A refused note comes back in the tab with its errors.
    refused = {} if saved else {"note_form": form}
    if contact is not None:
        url = reverse("contacts:tab", args=[contact.pk, "notes"])
        if request.htmx:
            return _card_tab_panel(request, contact.pk, "notes", **refused)
    elif company is not None:
        url = reverse("companies:tab", args=[company.pk, "notes"])
        if request.htmx:
            from companies.tabs import company_tabs

            context = {
                "company": company,
                **company_tabs.render_context(request, company, "notes", **refused),
            }
            return render(request, "companies/company_detail.html#tab-panel", context)
    else:
        url = reverse("activities:project_tab", args=[project.pk, "notes"])
        if request.htmx:
            context = {
                "project": project,
                **project_tabs.render_context(request, project, "notes", **refused),
            }
            return render(request, "activities/project_detail.html#tab-panel", context)
    if saved:
        messages.success(request, _("The note was saved."))
    else:
        messages.error(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect(url)


def _own_note(request, pk: int):
    note = selectors.note_for_user(user=request.user, pk=pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    return note


def _note_home_url(note) -> str:
    if note.contact_id:
        return reverse("contacts:tab", args=[note.contact_id, "notes"])
    if note.company_id:
        return reverse("companies:tab", args=[note.company_id, "notes"])
    return reverse("activities:project_tab", args=[note.project_id, "notes"])


@require_http_methods(["GET", "POST"])
@crm_view
def note_update(request, pk: int):
    note = _own_note(request, pk)
    form = NoteEditForm(request.POST or None, instance=note)
    default_next = _note_home_url(note)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                note=note, text=form.cleaned_data["text"], private=form.cleaned_data["private"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/note_form.html",
        {"form": form, "note": note, "next": next_url(request, default_next)},
    )


@require_http_methods(["GET", "POST"])
@crm_view
def note_delete(request, pk: int):
    note = _own_note(request, pk)
    default_next = _note_home_url(note)
    if request.method == "POST":
        services.note_delete(note=note, actor=request.user)
        messages.success(request, _("The note was deleted."))
        return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/confirm_delete.html",
        {
            "object": note.text[:60],  # the author's own note: its text, private or not
            "what": _("the note"),
            "consequences": [],
            "cancel_url": default_next,
            "next": next_url(request, default_next),
        },
    )


# --- the Planner and the group calendar ------------------------------------------------


@require_GET
@crm_view
def planner(request):
    users = list(crm_users())
    user_id = id_filter(request.GET, "user")
    shown = next((u for u in users if u.pk == user_id), None) or request.user
    view = "day" if request.GET.get("view") == "day" else "week"
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    grid = calendar.PlannerGrid(day=day, view=view)
    appointments = selectors.planner_appointments(
        user=shown,
        start=local_datetime(grid.first, dt.time(0)),
        end=local_datetime(grid.last + dt.timedelta(days=1), dt.time(0)),
    )
    grid.place(appointments)

    def link(**changes):
        params = {"view": view, "date": day.isoformat(), "user": shown.pk, **changes}
        return "?" + urlencode(params)

    return render(
        request,
        "activities/planner.html",
        {
            "grid": grid,
            "users": users,
            "shown_user": shown,
            "view": view,
            "prev_url": link(date=grid.previous.isoformat()),
            "next_url": link(date=grid.following.isoformat()),
            "today_url": link(date=timezone.localdate().isoformat()),
            "week_url": link(view="week"),
            "day_url": link(view="day"),
            "here": request.get_full_path(),
        },
    )


@require_GET
@crm_view
def group_list(request):
    from django.contrib.auth.models import Group

    groups = Group.objects.order_by("name")
    return render(request, "activities/group_list.html", {"groups": groups})


@require_GET
@crm_view
def group_tasks(request, pk: int):
    group = selectors.group_for_page(pk=pk)
    selected, _query = status_filter(request, TaskStatus)
    assignee_id = id_filter(request.GET, "assignee")
    tasks = selectors.group_tasks(group=group, assignee_id=assignee_id, statuses=selected)
    page = _page(request, tasks)
    query = urlencode(
        [("f", "1"), *(("status", s) for s in selected)]
        + ([("assignee", assignee_id)] if assignee_id else [])
    )
    return render(
        request,
        "activities/group_tasks.html",
        {
            "group": group,
            "page_obj": page,
            "members": selectors.group_members(group=group),
            "assignee_id": assignee_id,
            "statuses": TaskStatus.choices,
            "selected_statuses": selected,
            "filter_query": query,
            "today": timezone.localdate(),
            "here": request.get_full_path(),
        },
    )


# --- live search for the pickers (crm/picker.py) ----------------------------------------


def _picker_options(request, *, name: str, multiple: bool, results, term: str, none_found):
    return render(
        request,
        "crm/partials/picker_options.html",
        {
            "picker_name": name,
            "multiple": multiple,
            "results": results,
            "term": term,
            "none_found": none_found,
        },
    )


@require_GET
@crm_view
def pick_contacts(request):
    term = text_param(request.GET, "contact_q", max_length=100)
    return _picker_options(
        request,
        name=pickers.CONTACTS,
        multiple=True,
        results=pickers.contact_results(term),
        term=term,
        none_found=pickers.NO_ONE,
    )


@require_GET
@crm_view
def pick_company(request):
    term = text_param(request.GET, "company_q", max_length=100)
    return _picker_options(
        request,
        name=pickers.COMPANY,
        multiple=False,
        results=pickers.company_results(term),
        term=term,
        none_found=pickers.NO_COMPANY,
    )
