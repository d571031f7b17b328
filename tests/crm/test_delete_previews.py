"""«Slett» on a contact, company or project says what goes with it, counting only what
the viewer may see (another user's private note, a locked contact's e-mail: not even a
number), in Norwegian words."""

import pytest
from django.urls import reverse

from activities import services as notes
from mailbox.services.email_lock import contact_email_lock
from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyLinkFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.mailbox.factories import MessageContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(crm_access=True)


@pytest.fixture
def contact(author, firm_admin):
    """A contact with one open note, four private notes of ``author`` and four e-mails,
    the e-mail locked."""
    contact = ContactFactory()
    notes.note_create(author=author, text="Åpent notat", contact=contact)
    for n in range(4):
        notes.note_create(author=author, text=f"Privat {n}", private=True, contact=contact)
    MessageContactFactory.create_batch(4, contact=contact)
    contact_email_lock(contact=contact, actor=firm_admin)
    return contact


def _items(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [f"{count} {label}" for label, count in response.context["consequences"]]


def test_contact_delete_counts_only_the_notes_and_mail_the_viewer_may_see(client, staff, contact):
    client.force_login(staff)
    url = reverse("contacts:delete", args=[contact.pk])
    items = _items(client, url)
    assert "1 notat" in items
    assert not any("e-post" in item for item in items), items
    page = client.get(url).text
    assert "<li>1 notat</li>" in page
    assert "notater" not in page
    assert "message contact" not in page


def test_contact_delete_counts_the_authors_own_private_notes(client, author, contact):
    client.force_login(author)
    items = _items(client, reverse("contacts:delete", args=[contact.pk]))
    assert "5 notater" in items
    assert not any("e-post" in item for item in items), items


def test_contact_delete_shows_locked_mail_to_administrators_but_not_others_private_notes(
    client, firm_admin, contact
):
    client.force_login(firm_admin)
    items = _items(client, reverse("contacts:delete", args=[contact.pk]))
    assert "1 notat" in items
    assert "4 e-poster" in items


def test_contact_delete_counts_timeline_entries_the_viewer_may_see(client, staff, author, contact):
    def entries(user):
        client.force_login(user)
        return next(
            item
            for item in _items(client, reverse("contacts:delete", args=[contact.pk]))
            if "historikk" in item
        )

    # Created, five notes written, the lock (said once, by the mailbox): seven; four of
    # them are the private notes' entries, the author's alone.
    assert entries(author) == "7 historikkoppføringer"
    assert entries(staff) == "3 historikkoppføringer"


def test_company_and_project_delete_leave_out_others_private_notes(client, staff, author):
    link = CompanyLinkFactory()
    project = ProjectFactory()
    for home in ({"company": link.company}, {"project": project}):
        notes.note_create(author=author, text="Privat", private=True, **home)
        notes.note_create(author=author, text="Åpent", **home)
        notes.note_create(author=author, text="Åpent 2", **home)
    client.force_login(staff)
    for url in (
        reverse("companies:delete", args=[link.company.pk]),
        reverse("activities:project_delete", args=[project.pk]),
    ):
        assert "2 notater" in _items(client, url), url
    client.force_login(author)
    for url in (
        reverse("companies:delete", args=[link.company.pk]),
        reverse("activities:project_delete", args=[project.pk]),
    ):
        assert "3 notater" in _items(client, url), url


def test_one_of_a_kind_is_counted_in_the_singular(client, staff):
    link = CompanyLinkFactory()
    client.force_login(staff)
    assert "1 bedriftskobling" in _items(
        client, reverse("contacts:delete", args=[link.contact.pk])
    )


def test_delete_pages_need_login_and_crm_access(client, no_access_user, contact):
    urls = [
        reverse("contacts:delete", args=[contact.pk]),
        reverse("companies:delete", args=[CompanyLinkFactory().company.pk]),
        reverse("activities:project_delete", args=[ProjectFactory().pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(no_access_user)
    for url in urls:
        assert client.get(url).status_code == 403, url


# What deleting a contact, company or project takes with it that every CRM user sees
# on the card, so no visibility rule is needed. Everything else it takes must have one
# (crm.visibility), or a new kind of private row would be counted for everyone.
OPEN_TO_EVERY_CRM_USER = {
    "contacts.ContactEmail": "the card's e-mail addresses",
    "companies.CompanyLink": "the card's and the company page's company links",
    "cardservices.SmsMessage": "the SMS list on the card's Services tab",
    "cardservices.NumberLookup": "the number lookups on the card's Services tab",
}


def test_every_kind_of_row_a_delete_takes_has_a_visibility_decision():
    from django.apps import apps
    from django.db import models

    from activities.models import Project
    from companies.models import Company
    from contacts.models import Contact
    from crm.visibility import has_rule

    reached, todo = set(), [Contact, Company, Project]
    while todo:
        current = todo.pop()
        for other in apps.get_models():
            for field in other._meta.concrete_fields:
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is current
                    and field.remote_field.on_delete is models.CASCADE
                    and other not in reached
                ):
                    reached.add(other)
                    todo.append(other)
    undecided = {
        m._meta.label
        for m in reached
        if not has_rule(m) and m._meta.label not in OPEN_TO_EVERY_CRM_USER
    }
    assert undecided == set()
