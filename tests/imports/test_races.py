"""Kept customer numbers under concurrency: two imports, or an import and a «+», at once
(forced to collide, see tests/races.py)."""

import pytest
from django.db import connection

from companies.models import Company
from contacts import services as contact_services
from contacts.models import Contact
from imports import services, writing
from imports.models import ImportJob
from tests.contacts.factories import ContactFactory
from tests.imports.files import csv_bytes
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["Etternavn", "Fornavn", "Firma", "Kundenr"]


def _holders(number: int) -> list:
    return list(Contact.objects.filter(customer_number=number)) + list(
        Company.objects.filter(customer_number=number)
    )


def test_two_imports_giving_one_number_to_a_person_and_a_company_keep_it_unique(
    dry_run, monkeypatch
):
    person = dry_run(csv_bytes([["Bråten", "Åse", "", "777001"]], header=HEADER))
    company = dry_run(csv_bytes([["", "", "Fjord AS", "777001"]], header=HEADER))
    meet = Rendezvous(2)
    # Reached after a batch has checked its numbers and before it writes them.
    monkeypatch.setattr(
        writing, "continue_series_above", meet.before(writing.continue_series_above)
    )

    outcomes = race(
        meet,
        lambda: services.job_run(job=ImportJob.objects.get(pk=person.pk)),
        lambda: services.job_run(job=ImportJob.objects.get(pk=company.pk)),
    )

    assert [o.error for o in outcomes] == [None, None]
    statuses = sorted(o.value.status for o in outcomes)
    assert statuses == [ImportJob.Status.DONE, ImportJob.Status.FAILED]
    assert len(_holders(777001)) == 1
    failed = next(o.value for o in outcomes if o.value.status == ImportJob.Status.FAILED)
    assert "777001" in failed.error


def _next_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM customer_number_seq")
        last, called = cursor.fetchone()
    return last + 1 if called else last


def test_an_import_and_a_plus_at_once_never_share_a_number(dry_run, monkeypatch):
    contact = ContactFactory()
    number = _next_number()
    job = dry_run(csv_bytes([["", "", "Fjord AS", str(number)]], header=HEADER))
    meet = Rendezvous(2)
    monkeypatch.setattr(
        writing, "continue_series_above", meet.before(writing.continue_series_above)
    )
    # The «+» waits after taking its number, before saving it.
    monkeypatch.setattr(
        contact_services, "next_customer_number", meet.after(contact_services.next_customer_number)
    )

    outcomes = race(
        meet,
        lambda: services.job_run(job=ImportJob.objects.get(pk=job.pk)),
        lambda: contact_services.contact_make_customer(contact=Contact.objects.get(pk=contact.pk)),
    )

    assert [o.error for o in outcomes] == [None, None]
    contact.refresh_from_db()
    numbers = list(
        Contact.objects.exclude(customer_number=None).values_list("customer_number", flat=True)
    )
    numbers += list(
        Company.objects.exclude(customer_number=None).values_list("customer_number", flat=True)
    )
    assert len(numbers) == len(set(numbers))
    if outcomes[0].value.status == ImportJob.Status.DONE:
        assert Company.objects.get().customer_number == number
        assert contact.customer_number > number
    else:
        assert contact.customer_number == number
