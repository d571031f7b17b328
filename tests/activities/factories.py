"""Projects, appointments, tasks and notes."""

import factory
from factory.django import DjangoModelFactory

from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Project"

    name = factory.Sequence(lambda n: f"Prosjekt {n}")


def _next_full_hour():
    from django.utils import timezone

    return timezone.now().replace(minute=0, second=0, microsecond=0)


def _one_hour_later(o):
    import datetime

    return o.start_at + datetime.timedelta(hours=1)


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Appointment"

    title = factory.Sequence(lambda n: f"Møte {n}")
    start_at = factory.LazyFunction(_next_full_hour)
    end_at = factory.LazyAttribute(_one_hour_later)
    owner = factory.SubFactory(UserFactory)


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Task"

    title = factory.Sequence(lambda n: f"Oppgave {n}")


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Note"

    text = factory.Sequence(lambda n: f"Notat {n}")
    author = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory)
