"""A file linked to one place twice at the same moment, forced to collide (tests/races.py)."""

import pytest

from files import services
from files.models import FileLink
from history.models import Entry
from tests.contacts.factories import ContactFactory
from tests.files.factories import StoredFileFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_file_linked_to_a_contact_twice_at_once_is_linked_once(monkeypatch, staff):
    stored, contact = StoredFileFactory(), ContactFactory()
    meet = Rendezvous(2)
    # Called after the look for an existing link, before the new one is written.
    monkeypatch.setattr(services, "_actor", meet.before(services._actor))

    def link():
        return services.file_link(file=stored, contact=contact, actor=staff)

    outcomes = race(meet, link, link)

    # Both clicks succeed and show the one link, as linking again does one at a time.
    assert [o.error for o in outcomes] == [None, None]
    assert outcomes[0].value.pk == outcomes[1].value.pk
    assert FileLink.objects.filter(file=stored, contact=contact).count() == 1
    assert Entry.objects.filter(contact=contact, verb="files.linked").count() == 1
