import pytest

from crm.demo import DemoContext
from files import demo
from files.models import FileLink, StoredFile
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_demo_files_are_seeded_once(staff):
    ContactFactory.create_batch(2)
    CompanyFactory.create_batch(2)
    ctx = DemoContext(contacts=2, companies=2, seed=1, staff=staff, quiet=True)
    demo.seed(ctx)
    count = StoredFile.objects.count()
    assert count == 8
    assert StoredFile.objects.filter(content_type="application/pdf").count() == 4
    links = FileLink.objects.count()
    demo.seed(ctx)
    assert (StoredFile.objects.count(), FileLink.objects.count()) == (count, links)
