"""The appointments tab with 500 appointments (and, shared with the tasks and notes tabs,
500 tasks and 500 notes) on the benchmark contact."""

import datetime as dt

COUNT = 500


def build_all(contact) -> None:
    from common import bench_user
    from django.utils import timezone

    from activities.models import Appointment, Note, Task

    user = bench_user()
    if contact.appointments.count() < COUNT:
        start = timezone.now()
        rows = Appointment.objects.bulk_create(
            Appointment(
                title=f"Benkemøte {i}",
                start_at=start - dt.timedelta(days=i),
                end_at=start - dt.timedelta(days=i) + dt.timedelta(hours=1),
                owner=user,
            )
            for i in range(COUNT)
        )
        contact.appointments.add(*rows)
    if contact.tasks.count() < COUNT:
        rows = Task.objects.bulk_create(
            Task(title=f"Benkeoppgave {i}", assignee=user) for i in range(COUNT)
        )
        contact.tasks.add(*rows)
    if contact.card_notes.count() < COUNT:
        Note.objects.bulk_create(
            Note(text=f"Benkenotat {i}", author=user, contact=contact, private=i % 10 == 0)
            for i in range(COUNT)
        )


TAB = "appointments"


def build(contact) -> None:
    build_all(contact)
