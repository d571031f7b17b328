"""Org.nr is unique among companies (issue 18, item 2): the migration refuses, naming
the duplicates, while the data holds any; afterwards the database refuses a second."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from companies.models import Company
from tests.companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("companies.migrations.0008_org_number_unique")


@pytest.fixture
def without_constraint():
    """The data as before the migration: the unique index dropped inside the test's
    transaction (PostgreSQL's DDL rolls back with it)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX company_orgnr_unique")


def test_migration_refuses_and_names_the_companies_to_merge(without_constraint):
    first = CompanyFactory(org_number="988077917")
    second = CompanyFactory(org_number="988077917")
    third = CompanyFactory(org_number="974760673")
    fourth = CompanyFactory(org_number="974760673")
    CompanyFactory(org_number="")
    CompanyFactory(org_number="")
    with pytest.raises(migration.DuplicateOrgNumbers) as refused:
        migration.refuse_duplicates(apps, None)
    message = str(refused.value)
    assert f"org.nr 988077917: companies {first.pk}, {second.pk}" in message
    assert f"org.nr 974760673: companies {third.pk}, {fourth.pk}" in message
    assert "merge each group into one" in message


def test_migration_goes_on_when_every_org_number_is_single(without_constraint):
    CompanyFactory(org_number="988077917")
    CompanyFactory(org_number="")
    CompanyFactory(org_number="")
    migration.refuse_duplicates(apps, None)  # no exception


def test_a_second_company_with_the_same_org_number_is_refused():
    CompanyFactory(org_number="988077917")
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(name="Kopi AS", org_number="988077917")


def test_many_companies_without_org_number_are_allowed():
    CompanyFactory(org_number="")
    CompanyFactory(org_number="")
    assert Company.objects.filter(org_number="").count() == 2
