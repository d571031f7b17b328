"""A former employee leaves: deleting or deactivating their user never removes customer
data, and what they wrote is shown as written by a former user («Tidligere bruker»).

A private note whose author is deleted stays private to nobody: it is kept, and no one
(administrators included) ever sees it again.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from activities import services
from activities.models import Note
from history.models import Entry
from tests.activities.factories import NoteFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db

# Models a user's deletion may take with it, each with the reason. Everything else that
# points at the user keeps its row (SET_NULL, or DO_NOTHING on a history snapshot).
DELETED_WITH_THE_USER = {
    # Django's own: the user's group memberships and permissions.
    "auth.User_groups": "the user's own group memberships",
    "auth.User_user_permissions": "the user's own permissions",
    # Django admin's record of this user's own admin actions (Django fixes its on_delete);
    # it holds no customer data: a private note is logged under a neutral name.
    "admin.LogEntry": "the user's own admin action log",
    # The user's seat on an appointment; the appointment itself stays.
    "activities.Appointment_participants": "the user's own place among the participants",
    # The user's own IMAP login (its password is theirs), how far the sync has read it,
    # and where each message sat in that mailbox. The messages themselves, their links
    # to contacts and their attachments are kept (no foreign key to the account).
    "mailbox.MailAccount": "the user's own mailbox login",
    "mailbox.MailFolderState": "how far the user's mailbox was read",
    "mailbox.MessageCopy": "where a message sat in the user's mailbox",
    # The user's own API keys: they act as the user, so they go with them.
    "api.ApiToken": "the user's own API keys",
    "api.CalendarFeed": "the secret address of the user's own calendar",
    # The user's own second factors for signing in (accounts/).
    "otp_totp.TOTPDevice": "the user's own authenticator app",
    "otp_static.StaticDevice": "the user's own recovery codes",
    "otp_static.StaticToken": "one of the user's own recovery codes",
    "django_otp_webauthn.WebAuthnCredential": "the user's own passkey",
    "django_otp_webauthn.WebAuthnAttestation": "how the user's own passkey was made",
    "django_otp_webauthn.WebAuthnUserHandle": "the user's own passkey handle",
    # Which cards the user opened lately: the user's own list.
    "contacts.RecentlyViewed": "the cards the user opened lately",
}


def _cascades_from(model):
    """The models a delete of ``model`` rows takes with it, following CASCADE through
    every foreign key and one-to-one field in the project, Django's and libraries'
    models and auto-created many-to-many tables included."""
    reached, todo = set(), [model]
    while todo:
        current = todo.pop()
        for other in apps.get_models(include_auto_created=True):
            for field in other._meta.concrete_fields:
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is current
                    and field.remote_field.on_delete is models.CASCADE
                    and other._meta.label not in reached
                ):
                    reached.add(other._meta.label)
                    todo.append(other)
    return reached


def test_no_foreign_key_to_the_user_cascades_into_customer_data():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    assert _cascades_from(user_model) <= set(DELETED_WITH_THE_USER), (
        "a user's deletion would delete these; use SET_NULL (or list them, with the reason,"
        " if they are the user's alone)"
    )


def test_the_allowed_list_names_only_models_that_exist():
    labels = {m._meta.label for m in apps.get_models(include_auto_created=True)}
    assert set(DELETED_WITH_THE_USER) <= labels


def test_deleting_a_user_keeps_their_notes_and_shows_them_as_a_former_user(client, staff):
    leaver = UserFactory(first_name="Sluttet", last_name="Ansatt")
    contact = ContactFactory()
    note = services.note_create(author=leaver, text="Kunden vil ha tilbud i mars", contact=contact)
    leaver.delete()
    note.refresh_from_db()
    assert note.author is None
    client.force_login(staff)
    tab = client.get(reverse("contacts:tab", args=[contact.pk, "notes"])).text
    assert "Kunden vil ha tilbud i mars" in tab
    assert "Tidligere bruker" in tab
    history = client.get(reverse("contacts:tab", args=[contact.pk, "history"])).text
    assert "Kunden vil ha tilbud i mars" in history


def test_a_deactivated_author_is_named_as_a_former_user(client, staff):
    leaver = UserFactory(first_name="Sluttet", last_name="Ansatt")
    note = NoteFactory(author=leaver, text="Ring tilbake etter ferien")
    leaver.is_active = False
    leaver.save()
    client.force_login(staff)
    tab = client.get(reverse("contacts:tab", args=[note.contact_id, "notes"])).text
    assert "Ring tilbake etter ferien" in tab
    assert "Sluttet Ansatt (tidligere bruker)" in tab


def test_a_deleted_authors_private_note_is_kept_and_seen_by_no_one(
    client, other_staff, firm_admin
):
    leaver = UserFactory()
    contact = ContactFactory()
    note = services.note_create(
        author=leaver, text="Hemmelig-etter-sluttdato", private=True, contact=contact
    )
    leaver.delete()
    assert Note.objects.filter(pk=note.pk, private=True, author=None).exists()
    # Its timeline entry is kept too, still private.
    assert Entry.objects.filter(target_id=str(note.pk), private=True).exists()
    for viewer in (other_staff, firm_admin):
        assert not Note.objects.visible_to(viewer).filter(pk=note.pk).exists()
        client.force_login(viewer)
        for tab in ("notes", "history"):
            page = client.get(reverse("contacts:tab", args=[contact.pk, tab])).text
            assert "Hemmelig-etter-sluttdato" not in page, tab
        changelist = client.get(reverse("admin:activities_note_changelist"), {"q": "Hemmelig"})
        assert "Hemmelig-etter-sluttdato" not in changelist.text
    client.force_login(firm_admin)
    export = client.post(
        reverse("admin:activities_note_changelist"),
        {"action": "export_csv", "_selected_action": [str(note.pk)]},
    )
    assert "Hemmelig-etter-sluttdato" not in export.content.decode("utf-8-sig")


def test_the_notes_export_names_a_deleted_author_as_a_former_user(client, firm_admin):
    leaver = UserFactory()
    note = NoteFactory(author=leaver, text="Eksportert etter sluttdato")
    leaver.delete()
    client.force_login(firm_admin)
    export = client.post(
        reverse("admin:activities_note_changelist"),
        {"action": "export_csv", "_selected_action": [str(note.pk)]},
    )
    row = export.content.decode("utf-8-sig").splitlines()[1].split(";")
    assert row[1] == "Tidligere bruker"
    assert row[-1] == "Eksportert etter sluttdato"


def test_deleting_a_user_keeps_every_kind_of_customer_record():
    """The rows a leaver made or owns all stay after their user is deleted."""
    from tests.activities.factories import AppointmentFactory, TaskFactory
    from tests.cardservices.factories import SmsMessageFactory
    from tests.files.factories import FileLinkFactory, StoredFileFactory
    from tests.mailbox.factories import (
        MailAccountFactory,
        MessageContactFactory,
        MessageCopyFactory,
    )
    from tests.orders.factories import OrderFactory

    leaver = UserFactory()
    contact = ContactFactory(owner=leaver)
    rows = [
        contact,
        NoteFactory(author=leaver, contact=contact),
        NoteFactory(author=leaver, contact=contact, private=True),
        AppointmentFactory(owner=leaver),
        TaskFactory(assignee=leaver, created_by=leaver),
        FileLinkFactory(
            contact=contact, linked_by=leaver, file=StoredFileFactory(uploader=leaver)
        ),
        SmsMessageFactory(contact=contact, sent_by=leaver),
        OrderFactory(created_by=leaver),
    ]
    copy = MessageCopyFactory(account=MailAccountFactory(user=leaver))
    link = MessageContactFactory(message=copy.message, contact=contact)
    rows += [copy.message, link]
    leaver.delete()
    for row in rows:
        assert type(row).objects.filter(pk=row.pk).exists(), type(row).__name__
