"""The privacy matrix: who sees which entry on which contact."""

import pytest
from django.urls import reverse

from history import selectors
from history.services import history_record
from history.verbs import register_verb
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db

ENTRIES = {
    "public": {},
    "private-of-author": {"private": True},
    "mail": {"mail": True},
    "private-mail": {"private": True, "mail": True},
}

# (viewer, email_locked) -> labels visible
MATRIX = [
    ("author", False, {"public", "private-of-author", "mail", "private-mail"}),
    ("author", True, {"public", "private-of-author"}),
    ("other_staff", False, {"public", "mail"}),
    ("other_staff", True, {"public"}),
    ("firm_admin", False, {"public", "mail"}),
    ("firm_admin", True, {"public", "mail"}),
]


@pytest.mark.parametrize(("viewer_name", "locked", "visible"), MATRIX)
def test_privacy_matrix(request, staff, viewer_name, locked, visible):
    author = staff
    viewer = author if viewer_name == "author" else request.getfixturevalue(viewer_name)
    register_verb("tests.note_written", "%(actor)s wrote «%(title)s»")
    contact = ContactFactory()
    for label, spec in ENTRIES.items():
        history_record(
            contact=contact,
            verb="tests.note_written",
            actor=author,
            data={"title": f"secret-{label}"},
            private_to=author if spec.get("private") else None,
            mail=spec.get("mail", False),
        )
    contact.email_locked = locked
    contact.save()
    seen = {
        e.data["title"].removeprefix("secret-")
        for e in selectors.timeline(contact=contact, viewer=viewer)
        if e.verb == "tests.note_written"
    }
    assert seen == visible
    # The page shows the same: nothing hidden leaks into the HTML, not even a count.
    from django.test import Client

    client = Client()
    client.force_login(viewer)
    text = client.get(reverse("contacts:tab", args=[contact.pk, "history"])).text
    for label in ENTRIES:
        assert (f"secret-{label}" in text) == (label in visible), label
