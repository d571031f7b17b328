import random
from types import SimpleNamespace

import pytest

from activities import demo
from activities.models import Appointment, Note, Project, Task
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(staff, firm_admin):
    ContactFactory.create_batch(12)
    ctx = SimpleNamespace(staff=staff, admin=firm_admin, rng=random.Random(1))
    demo.seed(ctx)
    counts = [m.objects.count() for m in (Appointment, Task, Note, Project)]
    assert all(counts)
    demo.seed(ctx)
    assert [m.objects.count() for m in (Appointment, Task, Note, Project)] == counts
