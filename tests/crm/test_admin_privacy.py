"""Django admin keeps the CRM's privacy rules: another user's private note is shown on no
admin page (lists, forms, history, delete confirmations, the log), and a locked contact's
e-mail — its messages and their attachments — only to the firm's administrators."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from activities import services as notes
from activities.models import Note
from mailbox.services.email_lock import contact_email_lock
from tests.activities.factories import ProjectFactory
from tests.companies.factories import CompanyLinkFactory
from tests.crm.factories import UserFactory
from tests.mailbox.factories import (
    MailAccountFactory,
    MessageAttachmentFactory,
    MessageContactFactory,
    MessageFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Hemmelig-admin-4711"


def _staff_in_admin(*, crm_access=True, perms=()):
    """A Django-admin user (is_staff) who is not an administrator of the firm, with the
    given model permissions ("files.view_storedfile")."""
    user = UserFactory(crm_access=crm_access)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for dotted in perms:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def author(db):
    return UserFactory(crm_access=True, firm_admin=True)


@pytest.fixture
def homes(author):
    """A contact, a company and a project, each with a private note of ``author`` and an
    open one."""
    link = CompanyLinkFactory()
    project = ProjectFactory()
    project.participants.add(link.contact)
    found = {"contact": link.contact, "company": link.company, "project": project}
    for kind, home in found.items():
        extra = {"contact_persons": [link.contact]} if kind == "company" else {}
        notes.note_create(author=author, text=f"{SECRET} {kind}", private=True, **{kind: home})
        notes.note_create(author=author, text=f"Åpent {kind}", **{kind: home}, **extra)
    return found


def _delete_urls(homes):
    return {
        "contact": reverse("admin:contacts_contact_delete", args=[homes["contact"].pk]),
        "company": reverse("admin:companies_company_delete", args=[homes["company"].pk]),
        "project": reverse("admin:activities_project_delete", args=[homes["project"].pk]),
    }


# --- private notes ------------------------------------------------------------------------


def test_delete_confirmations_never_list_others_private_notes(client, firm_admin, homes):
    client.force_login(firm_admin)
    for kind, url in _delete_urls(homes).items():
        page = client.get(url)
        assert page.status_code == 200, kind
        assert SECRET not in page.text, kind
        assert f"Åpent {kind}" in page.text, kind
        # The summary counts only the note the administrator may see.
        assert dict(page.context["model_count"])[Note._meta.verbose_name_plural] == 1, kind


def test_the_author_sees_own_private_note_in_the_delete_confirmation(client, author, homes):
    client.force_login(author)
    page = client.get(_delete_urls(homes)["contact"])
    # Listed under its neutral name: the page has no other wording for it.
    assert "Privat notat" in page.text
    assert dict(page.context["model_count"])[Note._meta.verbose_name_plural] == 2


def test_delete_selected_confirmation_never_lists_others_private_notes(client, firm_admin, homes):
    client.force_login(firm_admin)
    for model, obj in [
        ("contacts_contact", homes["contact"]),
        ("companies_company", homes["company"]),
        ("activities_project", homes["project"]),
    ]:
        page = client.post(
            reverse(f"admin:{model}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk]},
        )
        assert page.status_code == 200, model
        assert "Åpent" in page.text, model
        assert SECRET not in page.text, model


def test_deleting_in_admin_still_takes_the_hidden_notes_along(client, firm_admin, homes):
    client.force_login(firm_admin)
    response = client.post(_delete_urls(homes)["contact"], {"post": "yes"})
    assert response.status_code == 302
    assert not Note.objects.filter(text=f"{SECRET} contact").exists()
    assert not LogEntry.objects.filter(object_repr__contains=SECRET).exists()


def test_change_forms_and_history_never_show_others_private_notes(client, firm_admin, homes):
    client.force_login(firm_admin)
    private = Note.objects.get(text=f"{SECRET} contact")
    for url in [
        reverse("admin:contacts_contact_change", args=[homes["contact"].pk]),
        reverse("admin:companies_company_change", args=[homes["company"].pk]),
        reverse("admin:activities_project_change", args=[homes["project"].pk]),
        reverse("admin:contacts_contact_history", args=[homes["contact"].pk]),
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert SECRET not in page.text, url
    for name in ("change", "history", "delete"):
        page = client.get(reverse(f"admin:activities_note_{name}", args=[private.pk]), follow=True)
        assert SECRET not in page.text, name
        assert page.redirect_chain and page.redirect_chain[-1][0] == reverse("admin:index"), name


def test_changelist_and_its_search_never_show_others_private_notes(client, firm_admin, homes):
    client.force_login(firm_admin)
    url = reverse("admin:activities_note_changelist")
    for query in ({}, {"q": "Hemmelig"}, {"private__exact": "1"}):
        page = client.get(url, query)
        assert page.status_code == 200
        assert not any(SECRET in note.text for note in page.context["cl"].result_list), query
        assert f"{SECRET} contact" not in page.text, query


def test_the_admin_log_never_keeps_a_private_notes_text(client, author, homes):
    """An author editing their private note in admin: the log names it neutrally, so
    neither the log nor a later delete confirmation of the author's user shows it."""
    note = Note.objects.get(text=f"{SECRET} contact")
    client.force_login(author)
    response = client.post(
        reverse("admin:activities_note_change", args=[note.pk]),
        {
            "text": f"{SECRET} contact, endret",
            "private": "on",
            "contact": note.contact_id,
            "contact_persons": [],
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = LogEntry.objects.get(object_id=str(note.pk))
    assert SECRET not in entry.object_repr


def test_making_a_note_private_scrubs_its_text_from_the_admin_log(client, author):
    link = CompanyLinkFactory()
    note = notes.note_create(author=author, text=f"{SECRET} snart privat", contact=link.contact)
    client.force_login(author)
    client.post(
        reverse("admin:activities_note_change", args=[note.pk]),
        {"text": note.text, "contact": note.contact_id, "contact_persons": []},
    )
    assert LogEntry.objects.filter(object_repr__contains=SECRET).exists()  # open: named
    notes.note_update(note=note, text=note.text, private=True)
    assert not LogEntry.objects.filter(object_repr__contains=SECRET).exists()


def test_deleting_the_author_in_admin_does_not_list_their_private_notes(
    client, firm_admin, author, homes
):
    client.force_login(firm_admin)
    page = client.get(reverse("admin:auth_user_delete", args=[author.pk]))
    assert page.status_code == 200
    assert SECRET not in page.text


# --- locked e-mail: messages and attachments ----------------------------------------------


@pytest.fixture
def locked_attachment(firm_admin):
    """An attachment of a message linked to a contact whose e-mail is locked."""
    attachment = MessageAttachmentFactory(file__name="lonnsslipp-hemmelig.pdf")
    link = MessageContactFactory(message=attachment.message)
    contact_email_lock(contact=link.contact, actor=firm_admin)
    return attachment


def test_file_admin_hides_a_locked_contacts_attachments_from_non_administrators(
    client, locked_attachment
):
    staff = _staff_in_admin(perms=["files.view_storedfile", "files.change_storedfile"])
    client.force_login(staff)
    stored = locked_attachment.file
    listing = client.get(reverse("admin:files_storedfile_changelist"))
    assert listing.status_code == 200
    assert "lonnsslipp-hemmelig.pdf" not in listing.text
    for query in ({"q": stored.sha256}, {"q": "lonnsslipp"}):
        page = client.get(reverse("admin:files_storedfile_changelist"), query)
        assert list(page.context["cl"].result_list) == [], query
        assert "lonnsslipp-hemmelig.pdf" not in page.text, query
    change = client.get(reverse("admin:files_storedfile_change", args=[stored.pk]), follow=True)
    assert "lonnsslipp-hemmelig.pdf" not in change.text
    assert stored.key not in change.text


def test_file_admin_shows_a_locked_contacts_attachments_to_administrators(
    client, firm_admin, locked_attachment
):
    client.force_login(firm_admin)
    listing = client.get(reverse("admin:files_storedfile_changelist"))
    assert "lonnsslipp-hemmelig.pdf" in listing.text
    change = client.get(reverse("admin:files_storedfile_change", args=[locked_attachment.file_id]))
    assert change.status_code == 200


def test_message_admin_applies_the_lock_and_shows_no_unlinked_mail(
    client, firm_admin, locked_attachment
):
    unlinked = MessageFactory(subject="Privat post, ikke koblet")
    staff = _staff_in_admin(perms=["mailbox.view_message", "mailbox.delete_message"])
    client.force_login(staff)
    listing = client.get(reverse("admin:mailbox_message_changelist")).text
    assert locked_attachment.message.subject not in listing
    assert unlinked.subject not in listing
    client.force_login(firm_admin)
    listing = client.get(reverse("admin:mailbox_message_changelist")).text
    assert locked_attachment.message.subject in listing
    assert unlinked.subject not in listing


def test_mail_account_admin_shows_non_administrators_only_their_own(client):
    staff = _staff_in_admin(perms=["mailbox.view_mailaccount"])
    own = MailAccountFactory(user=staff, email="min@firma.no")
    other = MailAccountFactory(email="kollega@firma.no")
    client.force_login(staff)
    listing = client.get(reverse("admin:mailbox_mailaccount_changelist")).text
    assert own.email in listing and other.email not in listing
    change = client.get(reverse("admin:mailbox_mailaccount_change", args=[other.pk]), follow=True)
    assert change.redirect_chain[-1][0] == reverse("admin:index")


def test_contact_delete_confirmation_hides_a_locked_contacts_mail_from_non_administrators(
    client, locked_attachment
):
    contact = locked_attachment.message.links.get().contact
    staff = _staff_in_admin(perms=["contacts.view_contact", "contacts.delete_contact"])
    client.force_login(staff)
    page = client.get(reverse("admin:contacts_contact_delete", args=[contact.pk]))
    assert page.status_code == 200
    assert "e-post" not in {str(label).lower() for label in page.context["model_count"]}
    # Nor a missing permission to delete them, which would tell that they exist.
    assert not page.context["perms_lacking"]


# --- who may use these pages --------------------------------------------------------------

ADMIN_PAGES = [
    "admin:activities_note_changelist",
    "admin:files_storedfile_changelist",
    "admin:mailbox_message_changelist",
    "admin:mailbox_mailaccount_changelist",
    "admin:contacts_contact_changelist",
]


def test_admin_pages_send_anonymous_users_to_the_login(client):
    for name in ADMIN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name


def test_admin_pages_refuse_staff_without_crm_access(client):
    user = _staff_in_admin(
        crm_access=False,
        perms=[
            "activities.view_note",
            "files.view_storedfile",
            "mailbox.view_message",
            "mailbox.view_mailaccount",
            "contacts.view_contact",
        ],
    )
    client.force_login(user)
    for name in ["admin:index", *ADMIN_PAGES]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login")), name


def test_every_admin_that_can_show_ruled_rows_applies_the_rules():
    """An admin lists its own model's rows and, on its delete pages, everything a delete
    takes along: wherever that includes a model with a visibility rule (crm.visibility),
    the admin must be a VisibleRowsAdmin; an inline of such a model a VisibleRowsInline."""
    from django.apps import apps
    from django.contrib import admin
    from django.db import models

    from crm.admin_privacy import VisibleRowsAdmin, VisibleRowsInline
    from crm.visibility import has_rule

    def reach(model):
        found, todo = {model}, [model]
        while todo:
            current = todo.pop()
            for other in apps.get_models(include_auto_created=True):
                for field in other._meta.concrete_fields:
                    if (
                        isinstance(field, models.ForeignKey)
                        and field.related_model is current
                        and field.remote_field.on_delete is models.CASCADE
                        and other not in found
                    ):
                        found.add(other)
                        todo.append(other)
        return found

    unruled = []
    for model, model_admin in admin.site._registry.items():
        if any(has_rule(m) for m in reach(model)) and not isinstance(
            model_admin, VisibleRowsAdmin
        ):
            unruled.append(type(model_admin).__name__)
        for inline in model_admin.inlines:
            if has_rule(inline.model) and not issubclass(inline, VisibleRowsInline):
                unruled.append(inline.__name__)
    assert unruled == []
