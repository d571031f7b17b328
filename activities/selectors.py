"""Every read the activity pages and the card tabs need."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from companies.models import Company
from contacts.models import Contact

from .models import Appointment, AppointmentStatus, Note, Project, Task, TaskStatus

# --- projects --------------------------------------------------------------------------


def project_list():
    return Project.objects.annotate(participant_count=Count("participants")).order_by("name", "id")


def project_for_page(*, pk: int) -> Project:
    return get_object_or_404(Project, pk=pk)


def project_participants(*, project: Project):
    """The project's participants by name (a queryset, to be paged)."""
    return project.participants.only("first_name", "last_name").order_by("sort_key", "id")


# --- notes -----------------------------------------------------------------------------


def _notes(user):
    return (
        Note.objects.visible_to(user)
        .select_related("author", "contact", "company", "project")
        .order_by("-created_at", "-id")
    )


# What crm.users.display_name reads: the name, and whether the user has left.
_USER_NAME = ("first_name", "last_name", "username", "is_active")


def _names(relation: str, *fields: str) -> list[str]:
    return [f"{relation}__{field}" for field in fields]


def notes_concerning(*, user, contact):
    """The notes on the card's notes tab, bare: those ``user`` may read that concern the
    contact. Counting needs no more (``notes_for_contact`` adds what a row shows)."""
    return Note.objects.visible_to(user).for_contact(contact)


def notes_for_contact(*, user, contact):
    """The card's notes tab: only the columns a row shows, so the join before the sort
    stays narrow (the contact's own wide row is not needed on its own card)."""
    return (
        notes_concerning(user=user, contact=contact)
        .select_related("author", "company", "project")
        .only(
            "created_at",
            "updated_at",
            "text",
            "private",
            "author_id",
            "contact_id",
            "company_id",
            "project_id",
            *_names("author", *_USER_NAME),
            "company__name",
            "project__name",
        )
        .order_by("-created_at", "-id")
    )


def notes_for_company(*, user, company):
    persons = Prefetch("contact_persons", queryset=Contact.objects.order_by("sort_key", "id"))
    return _notes(user).filter(company=company).prefetch_related(persons)


def notes_for_project(*, user, project):
    return _notes(user).filter(project=project)


def note_for_user(*, user, pk: int) -> Note:
    """A note the user may see, else 404 (someone else's private note does not exist)."""
    return get_object_or_404(_notes(user), pk=pk)


# --- appointments and tasks ------------------------------------------------------------


def appointments_for_contact(*, contact, statuses: list[str] | None):
    qs = (
        Appointment.objects.filter(contacts=contact)
        .select_related("owner", "company")
        .only(
            "title",
            "start_at",
            "end_at",
            "all_day",
            "location",
            "status",
            "owner_id",
            "company_id",
            *_names("owner", *_USER_NAME),
            "company__name",
        )
    )
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-start_at", "-id")


def tasks_for_contact(*, contact, statuses: list[str] | None):
    qs = (
        Task.objects.filter(contacts=contact)
        .select_related("assignee", "company")
        .only(
            "title",
            "status",
            "priority",
            "due_date",
            "due_time",
            "created_at",
            "assignee_id",
            "company_id",
            *_names("assignee", *_USER_NAME),
            "company__name",
        )
    )
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-created_at", "-id")


def appointment_for_page(*, pk: int) -> Appointment:
    contacts = Prefetch("contacts", queryset=Contact.objects.order_by("sort_key", "id"))
    return get_object_or_404(
        Appointment.objects.select_related("owner", "company").prefetch_related(
            contacts, "participants"
        ),
        pk=pk,
    )


def task_for_page(*, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.select_related("assignee", "company", "group").prefetch_related("contacts"),
        pk=pk,
    )


def planner_appointments(*, user, start: dt.datetime, end: dt.datetime):
    """The user's appointments (owned or taking part) overlapping [start, end)."""
    ids = Appointment.participants.through.objects.filter(user_id=user.pk).values("appointment_id")
    return list(
        Appointment.objects.filter(Q(owner=user) | Q(pk__in=ids))
        .filter(start_at__lt=end, end_at__gt=start)
        .select_related("company")
        .order_by("start_at", "id")
    )


def planner_appointments_of(*, users, start: dt.datetime, end: dt.datetime):
    """The appointments of any of ``users`` (owned or taking part) overlapping
    [start, end), each with ``user_ids``: which of ``users`` it belongs to. Two queries."""
    wanted = [u.pk for u in users]
    ids = Appointment.participants.through.objects.filter(user_id__in=wanted).values(
        "appointment_id"
    )
    appointments = list(
        Appointment.objects.filter(Q(owner_id__in=wanted) | Q(pk__in=ids))
        .filter(start_at__lt=end, end_at__gt=start)
        .select_related("company")
        .order_by("start_at", "id")
    )
    taking_part: dict[int, set[int]] = {}
    for appointment_id, user_id in Appointment.participants.through.objects.filter(
        appointment_id__in=[a.pk for a in appointments], user_id__in=wanted
    ).values_list("appointment_id", "user_id"):
        taking_part.setdefault(appointment_id, set()).add(user_id)
    for appointment in appointments:
        owners = taking_part.get(appointment.pk, set())
        if appointment.owner_id in wanted:
            owners.add(appointment.owner_id)
        appointment.user_ids = sorted(owners)
    return appointments


def group_tasks(*, group: Group, assignee_id: int | None, statuses: list[str] | None):
    qs = Task.objects.filter(group=group).select_related("assignee", "company")
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("due_date", "due_time", "id")


def group_week_tasks(*, group: Group, first: dt.date, last: dt.date) -> list[Task]:
    """The group's tasks due from ``first`` to ``last``, with assignee, company and
    contacts (three queries whatever their number), for the group calendar's week."""
    return list(
        Task.objects.filter(group=group, due_date__gte=first, due_date__lte=last)
        .select_related("assignee", "company")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.only("id", "first_name", "last_name"))
        )
        .order_by("due_date", "due_time", "id")
    )


def group_for_page(*, pk: int) -> Group:
    return get_object_or_404(Group, pk=pk)


def group_members(*, group: Group):
    return list(group.user_set.filter(is_active=True).order_by("first_name", "username"))


def contact_pick_search(*, term: str, limit: int = 15):
    term = term.strip()
    if len(term) < 2:
        return []
    return list(
        Contact.objects.filter(
            Q(last_name__icontains=term) | Q(first_name__icontains=term)
        ).order_by("sort_key", "id")[:limit]
    )


def contacts_in_order(ids: list[int]) -> list[Contact]:
    """The contacts chosen in a picker, in register order (one query)."""
    if not ids:
        return []
    return list(Contact.objects.filter(pk__in=ids).order_by("sort_key", "id"))


def companies_in_order(ids: list[int]) -> list[Company]:
    if not ids:
        return []
    return list(Company.objects.filter(pk__in=ids).order_by("sort_key", "id"))


def today_local() -> dt.date:
    return timezone.localdate()


# --- the start page --------------------------------------------------------------------

HOME_LIMIT = 10


def my_tasks_due(*, user, today: dt.date, limit: int = HOME_LIMIT) -> list[Task]:
    """The user's open tasks due today or earlier, the most overdue first (one query)."""
    return list(
        Task.objects.filter(
            assignee=user, due_date__lte=today, status__in=list(TaskStatus.open_values())
        )
        .only("title", "due_date", "due_time", "priority", "status")
        .order_by("due_date", "due_time", "id")[:limit]
    )


def my_appointments_soon(*, user, today: dt.date, limit: int = HOME_LIMIT) -> list[Appointment]:
    """The user's appointments today and tomorrow (as owner or participant), by start time
    (one query)."""
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=2)
    return list(
        Appointment.objects.filter(Q(owner=user) | Q(participants=user))
        .filter(start_at__lt=end, end_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .distinct()
        .only("title", "start_at", "end_at", "all_day", "location", "status")
        .order_by("start_at", "id")[:limit]
    )
