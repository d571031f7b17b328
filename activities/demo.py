"""Demo appointments (this week, so the Planner shows them), tasks, notes and projects."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from contacts.models import Contact

from .forms import local_datetime
from .models import Appointment, AppointmentStatus, Note, Project, Task, TaskStatus

TITLES = ["Kundemøte", "Oppfølging av tilbud", "Lunsj", "Prosjektmøte", "Befaring", "Telefonmøte"]
PLACES = ["Møterom Fjorden", "Hos kunden", "Teams", "Kantina", ""]
TASKS = ["Send tilbud", "Ring tilbake", "Oppdater avtale", "Følg opp faktura", "Bestill møterom"]
NOTES = [
    "Hyggelig samtale, ønsker nytt tilbud før jul.",
    "Foretrekker e-post framfor telefon.",
    "Har byttet leverandør av regnskapssystem.",
    "Budsjettet for neste år er ikke klart ennå.",
]


def seed(ctx) -> None:
    if ctx.staff is None:
        return
    contacts = list(Contact.objects.order_by("id")[:12])
    if not contacts:
        return
    users = [u for u in (ctx.staff, ctx.admin) if u is not None]
    group, _ = Group.objects.get_or_create(name="Salg")
    for user in users:
        user.groups.add(group)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())

    projects = []
    for i, name in enumerate(["Nytt kontor i Bergen", "Innføring av CRM"]):
        project, created = Project.objects.get_or_create(
            name=name, defaults={"description": "Demoprosjekt."}
        )
        if created:
            project.participants.set(contacts[i * 3 : i * 3 + 4])
        projects.append(project)

    for i in range(10):
        title = f"{TITLES[i % len(TITLES)]} (demo {i + 1})"
        if Appointment.objects.filter(title=title).exists():
            continue
        day = monday + dt.timedelta(days=i % 5)
        start = local_datetime(day, dt.time(8 + (i * 3) % 9))
        appointment = Appointment.objects.create(
            title=title,
            start_at=start,
            end_at=start + dt.timedelta(hours=1),
            location=PLACES[i % len(PLACES)],
            owner=users[i % len(users)],
            status=AppointmentStatus.HELD if day < today else AppointmentStatus.PLANNED,
        )
        appointment.contacts.set([contacts[i % len(contacts)]])

    for i in range(8):
        title = f"{TASKS[i % len(TASKS)]} (demo {i + 1})"
        if Task.objects.filter(title=title).exists():
            continue
        task = Task.objects.create(
            title=title,
            due_date=today + dt.timedelta(days=i - 2),
            status=TaskStatus.DONE if i == 0 else TaskStatus.NOT_STARTED,
            assignee=users[i % len(users)],
            group=group,
            created_by=ctx.staff,
        )
        task.contacts.set([contacts[i % len(contacts)]])

    if not Note.objects.filter(text__startswith="[demo]").exists():
        for i, text in enumerate(NOTES):
            Note.objects.create(
                text=f"[demo] {text}",
                author=ctx.staff,
                contact=contacts[i % len(contacts)],
                private=(i == 3),
            )
        Note.objects.create(
            text="[demo] Status: tegningene er godkjent.", author=ctx.staff, project=projects[0]
        )
