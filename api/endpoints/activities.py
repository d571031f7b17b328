"""/appointments, /tasks, /notes and /projects: the activity pages' forms and services.

Notes follow THE privacy rule (``NoteQuerySet.visible_to``): another user's private note
is not found (404), as on the pages; only its author may change or delete a note (403).
"""

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import Field

from activities import selectors, services
from activities.forms import AppointmentForm, NoteEditForm, NoteForm, ProjectForm, TaskForm
from activities.models import Appointment, Note, Project, Task
from companies.models import Company
from contacts.models import Contact

from ..schemas import (
    AppointmentIn,
    AppointmentOut,
    AppointmentPage,
    Error,
    Invalid,
    NoteIn,
    NoteOut,
    NotePage,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    TaskIn,
    TaskOut,
    TaskPage,
)
from ..validation import Invalid as Refused
from ..validation import serviced, validated
from .common import ListQuery, listed, page, since

router = Router(tags=["activities"])


def _ids(model, relation: str, column: str, order: str = "pk"):
    """The ids of a many-to-many relation as an array, in the row's own query."""
    through = getattr(model, relation).through
    own = f"{model._meta.model_name}"
    return ArraySubquery(
        through.objects.filter(**{own: OuterRef("pk")}).order_by(column).values(column)
    )


class ActivityQuery(ListQuery):
    contact: int | None = Field(None, description="Only those about this contact.")
    company: int | None = Field(None, description="Only those about this company.")


# --- appointments ----------------------------------------------------------------------


def _appointments():
    return Appointment.objects.annotate(
        participant_ids=_ids(Appointment, "participants", "user_id"),
        contact_ids=_ids(Appointment, "contacts", "contact_id"),
    )


def appointment_out(a: Appointment) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "start_at": a.start_at,
        "end_at": a.end_at,
        "all_day": a.all_day,
        "location": a.location,
        "description": a.description,
        "status": a.status,
        "owner": a.owner_id,
        "participants": a.participant_ids,
        "contacts": a.contact_ids,
        "company": a.company_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def _appointment_form_data(data: dict, current: dict) -> dict:
    """The API's moments (``start_at``, exclusive ``end_at``) as the form's date and time
    fields, in the firm's time zone."""
    merged_all_day = data.get("all_day", current.get("all_day"))
    out = {k: v for k, v in data.items() if k not in ("start_at", "end_at")}
    if "start_at" in data and data["start_at"] is not None:
        start = timezone.localtime(_aware(data["start_at"]))
        out["start_date"], out["start_time"] = start.date(), start.time()
    if "end_at" in data and data["end_at"] is not None:
        end = timezone.localtime(_aware(data["end_at"]))
        if merged_all_day:
            end -= dt.timedelta(days=1)
        out["end_date"], out["end_time"] = end.date(), end.time()
    if merged_all_day:
        out["start_time"] = out["end_time"] = None
    return out


def _aware(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


@router.get("/appointments", response=AppointmentPage)
def appointment_list(request, query: Query[ActivityQuery]):
    rows = _appointments()
    if query.contact is not None:
        rows = rows.filter(contacts=query.contact)
    if query.company is not None:
        rows = rows.filter(company_id=query.company)
    rows, following = page(since(rows, query), query)
    return listed([appointment_out(a) for a in rows], following)


@router.post("/appointments", response={201: AppointmentOut, 422: Invalid})
def appointment_create(request, payload: AppointmentIn):
    data = payload.model_dump(exclude_unset=True)
    data.setdefault("participants", [request.user.pk])
    form = validated(AppointmentForm, _appointment_form_data(data, {}))
    appointment = serviced(
        services.appointment_create,
        actor=request.user,
        owner=request.user,
        **form.service_data(),
    )
    return Status(201, appointment_out(get_object_or_404(_appointments(), pk=appointment.pk)))


@router.get("/appointments/{int:appointment_id}", response={200: AppointmentOut, 404: Error})
def appointment_detail(request, appointment_id: int):
    return appointment_out(get_object_or_404(_appointments(), pk=appointment_id))


@router.patch(
    "/appointments/{int:appointment_id}",
    response={200: AppointmentOut, 404: Error, 422: Invalid},
)
def appointment_update(request, appointment_id: int, payload: AppointmentIn):
    appointment = selectors.appointment_for_page(pk=appointment_id)
    initial = AppointmentForm.initial_for(appointment)
    data = _appointment_form_data(payload.model_dump(exclude_unset=True), initial)
    form = validated(AppointmentForm, data, initial=initial)
    serviced(
        services.appointment_update,
        appointment=appointment,
        actor=request.user,
        **form.service_data(),
    )
    return appointment_out(get_object_or_404(_appointments(), pk=appointment.pk))


@router.delete("/appointments/{int:appointment_id}", response={204: None, 404: Error})
def appointment_delete(request, appointment_id: int):
    appointment = get_object_or_404(Appointment, pk=appointment_id)
    services.appointment_delete(appointment=appointment, actor=request.user)
    return Status(204, None)


# --- tasks -----------------------------------------------------------------------------


def _tasks():
    return Task.objects.annotate(contact_ids=_ids(Task, "contacts", "contact_id"))


def task_out(t: Task) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "description": t.description,
        "due_date": t.due_date,
        "due_time": t.due_time,
        "status": t.status,
        "priority": t.priority,
        "assignee": t.assignee_id,
        "group": t.group_id,
        "contacts": t.contact_ids,
        "company": t.company_id,
        "completed_at": t.completed_at,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


@router.get("/tasks", response=TaskPage)
def task_list(request, query: Query[ActivityQuery]):
    rows = _tasks()
    if query.contact is not None:
        rows = rows.filter(contacts=query.contact)
    if query.company is not None:
        rows = rows.filter(company_id=query.company)
    rows, following = page(since(rows, query), query)
    return listed([task_out(t) for t in rows], following)


@router.post("/tasks", response={201: TaskOut, 422: Invalid})
def task_create(request, payload: TaskIn):
    data = payload.model_dump(exclude_unset=True)
    if "group" not in data:  # a group's task waits for someone to take it, as on the page
        data.setdefault("assignee", request.user.pk)
    form = validated(TaskForm, data)
    task = serviced(services.task_create, actor=request.user, **form.service_data())
    return Status(201, task_out(get_object_or_404(_tasks(), pk=task.pk)))


@router.get("/tasks/{int:task_id}", response={200: TaskOut, 404: Error})
def task_detail(request, task_id: int):
    return task_out(get_object_or_404(_tasks(), pk=task_id))


@router.patch("/tasks/{int:task_id}", response={200: TaskOut, 404: Error, 422: Invalid})
def task_update(request, task_id: int, payload: TaskIn):
    task = selectors.task_for_page(pk=task_id)
    form = validated(TaskForm, payload.model_dump(exclude_unset=True), instance=task)
    serviced(services.task_update, task=task, actor=request.user, **form.service_data())
    return task_out(get_object_or_404(_tasks(), pk=task.pk))


@router.delete("/tasks/{int:task_id}", response={204: None, 404: Error})
def task_delete(request, task_id: int):
    task = get_object_or_404(Task, pk=task_id)
    services.task_delete(task=task, actor=request.user)
    return Status(204, None)


# --- notes -----------------------------------------------------------------------------


class NoteQuery(ListQuery):
    contact: int | None = Field(None, description="The notes the card's tab shows.")
    company: int | None = None
    project: int | None = None


def note_out(n: Note) -> dict:
    return {
        "id": n.pk,
        "text": n.text,
        "private": n.private,
        "author": n.author_id,
        "contact": n.contact_id,
        "company": n.company_id,
        "project": n.project_id,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
    }


@router.get("/notes", response=NotePage)
def note_list(request, query: Query[NoteQuery]):
    """The notes the user may read (another user's private notes never)."""
    notes = Note.objects.visible_to(request.user)
    if query.contact is not None:
        notes = notes.for_contact(query.contact)
    if query.company is not None:
        notes = notes.filter(company_id=query.company)
    if query.project is not None:
        notes = notes.filter(project_id=query.project)
    rows, following = page(since(notes, query), query)
    return listed([note_out(n) for n in rows], following)


@router.post("/notes", response={201: NoteOut, 404: Error, 422: Invalid})
def note_create(request, payload: NoteIn):
    data = payload.model_dump(exclude_unset=True)
    places = [name for name in ("contact", "company", "project") if data.get(name) is not None]
    if len(places) != 1:
        raise Refused({"__all__": [_("Say where the note belongs.")]})
    contact = company = project = None
    if data.get("contact") is not None:
        contact = get_object_or_404(Contact, pk=data["contact"])
    elif data.get("company") is not None:
        company = get_object_or_404(Company, pk=data["company"])
    else:
        project = get_object_or_404(Project, pk=data["project"])
    fields = {k: data[k] for k in ("text", "private", "contact_persons") if k in data}
    form = validated(NoteForm, fields, company=company)
    note = serviced(
        services.note_create,
        author=request.user,
        text=form.cleaned_data["text"],
        private=form.cleaned_data["private"],
        contact=contact,
        company=company,
        project=project,
        contact_persons=form.cleaned_data.get("contact_persons") or (),
    )
    return Status(201, note_out(note))


@router.get("/notes/{int:note_id}", response={200: NoteOut, 404: Error})
def note_detail(request, note_id: int):
    return note_out(selectors.note_for_user(user=request.user, pk=note_id))


def _own_note(request, pk: int) -> Note:
    note = selectors.note_for_user(user=request.user, pk=pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    return note


@router.patch(
    "/notes/{int:note_id}", response={200: NoteOut, 403: Error, 404: Error, 422: Invalid}
)
def note_update(request, note_id: int, payload: NoteIn):
    note = _own_note(request, note_id)
    data = payload.model_dump(exclude_unset=True, include={"text", "private"})
    form = validated(NoteEditForm, data, instance=note)
    note = serviced(
        services.note_update,
        note=note,
        text=form.cleaned_data["text"],
        private=form.cleaned_data["private"],
    )
    return note_out(note)


@router.delete("/notes/{int:note_id}", response={204: None, 403: Error, 404: Error})
def note_delete(request, note_id: int):
    note = _own_note(request, note_id)
    services.note_delete(note=note, actor=request.user)
    return Status(204, None)


# --- projects --------------------------------------------------------------------------


def _projects():
    return Project.objects.annotate(contact_ids=_ids(Project, "participants", "contact_id"))


def project_out(p: Project) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "description": p.description,
        "status": p.status,
        "contacts": p.contact_ids,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


@router.get("/projects", response=ProjectPage)
def project_list(request, query: Query[ListQuery]):
    rows, following = page(since(_projects(), query), query)
    return listed([project_out(p) for p in rows], following)


def _project_fields(form) -> dict:
    return {
        "name": form.cleaned_data["name"],
        "description": form.cleaned_data["description"],
        "status": form.cleaned_data["status"],
        "participants": form.cleaned_data["contacts"],
    }


@router.post("/projects", response={201: ProjectOut, 422: Invalid})
def project_create(request, payload: ProjectIn):
    form = validated(ProjectForm, payload.model_dump(exclude_unset=True))
    project = serviced(services.project_create, **_project_fields(form))
    return Status(201, project_out(get_object_or_404(_projects(), pk=project.pk)))


@router.get("/projects/{int:project_id}", response={200: ProjectOut, 404: Error})
def project_detail(request, project_id: int):
    return project_out(get_object_or_404(_projects(), pk=project_id))


@router.patch("/projects/{int:project_id}", response={200: ProjectOut, 404: Error, 422: Invalid})
def project_update(request, project_id: int, payload: ProjectIn):
    project = get_object_or_404(Project, pk=project_id)
    form = validated(ProjectForm, payload.model_dump(exclude_unset=True), instance=project)
    serviced(services.project_update, project=project, **_project_fields(form))
    return project_out(get_object_or_404(_projects(), pk=project.pk))


@router.delete("/projects/{int:project_id}", response={204: None, 404: Error})
def project_delete(request, project_id: int):
    project = get_object_or_404(Project, pk=project_id)
    services.project_delete(project=project)
    return Status(204, None)
