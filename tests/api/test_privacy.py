"""The privacy matrix through the API: a token acts as its user, exactly as the pages."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from activities.models import Note
from api.models import TokenScope
from api.services import token_revoke
from tests.activities.factories import NoteFactory
from tests.api.factories import bearer, token_for
from tests.contacts.factories import ContactFactory
from tests.files.factories import StoredFileFactory
from tests.mailbox.factories import MessageAttachmentFactory, MessageContactFactory

pytestmark = pytest.mark.django_db


def test_another_users_private_note_is_not_in_the_list(client, staff_auth, other_staff):
    contact = ContactFactory()
    NoteFactory(contact=contact, author=other_staff, private=True, text="Hemmelig")
    NoteFactory(contact=contact, author=other_staff, private=False, text="Åpent")
    response = client.get(f"/api/v1/notes?contact={contact.pk}", **staff_auth)
    assert [n["text"] for n in response.json()["results"]] == ["Åpent"]


def test_another_users_private_note_is_not_found(client, staff_auth, other_staff):
    note = NoteFactory(author=other_staff, private=True)
    assert client.get(f"/api/v1/notes/{note.pk}", **staff_auth).status_code == 404
    response = client.patch(
        f"/api/v1/notes/{note.pk}",
        json.dumps({"text": "x"}),
        content_type="application/json",
        **staff_auth,
    )
    assert response.status_code == 404
    assert client.delete(f"/api/v1/notes/{note.pk}", **staff_auth).status_code == 404


def test_own_private_note_is_read_by_its_author(client, staff, staff_auth):
    note = NoteFactory(author=staff, private=True, text="Mitt")
    assert client.get(f"/api/v1/notes/{note.pk}", **staff_auth).json()["text"] == "Mitt"


def test_only_the_author_may_change_or_delete_a_note(client, staff_auth, other_staff):
    note = NoteFactory(author=other_staff, private=False, text="Deres")
    response = client.patch(
        f"/api/v1/notes/{note.pk}",
        json.dumps({"text": "Mitt nå"}),
        content_type="application/json",
        **staff_auth,
    )
    assert response.status_code == 403
    assert client.delete(f"/api/v1/notes/{note.pk}", **staff_auth).status_code == 403
    note.refresh_from_db()
    assert note.text == "Deres"


def test_locking_email_is_for_administrators_only(client, staff_auth, admin_auth):
    contact = ContactFactory()
    url = f"/api/v1/contacts/{contact.pk}/email-lock"
    body = {"data": json.dumps({"locked": True}), "content_type": "application/json"}
    assert client.put(url, **body, **staff_auth).status_code == 403
    contact.refresh_from_db()
    assert contact.email_locked is False
    response = client.put(url, **body, **admin_auth)
    assert response.status_code == 200
    assert response.json()["email_locked"] is True


def test_an_attachment_of_locked_email_is_hidden_from_staff_but_not_admins(
    client, staff_auth, admin_auth
):
    contact = ContactFactory(email_locked=True)
    attachment = MessageAttachmentFactory(file=StoredFileFactory(name="lønn.pdf"))
    MessageContactFactory(message=attachment.message, contact=contact)
    url = f"/api/v1/files/{attachment.file_id}/download"
    assert client.get(url, **staff_auth).status_code == 404
    assert client.get(f"/api/v1/files/{attachment.file_id}", **staff_auth).status_code == 404
    assert attachment.file_id not in [
        f["id"] for f in client.get("/api/v1/files", **staff_auth).json()["results"]
    ]
    assert client.get(url, **admin_auth).status_code == 200


def test_a_token_of_a_user_without_crm_access_is_refused(client, no_access_user):
    _token, secret = token_for(no_access_user)
    assert client.get("/api/v1/contacts", **bearer(secret)).status_code == 403


def test_a_revoked_token_is_refused(client, staff):
    token, secret = token_for(staff)
    token_revoke(token=token)
    response = client.get("/api/v1/contacts", **bearer(secret))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(client, staff):
    token, secret = token_for(staff, expires_at=timezone.now() + dt.timedelta(days=1))
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    assert client.get("/api/v1/contacts", **bearer(secret)).status_code == 401


def test_a_made_up_token_is_refused(client, staff):
    token_for(staff)
    assert client.get("/api/v1/contacts", **bearer("kk_guess")).status_code == 401


def test_no_credentials_are_refused(client):
    assert client.get("/api/v1/contacts").status_code == 401


def test_a_read_only_token_may_read_but_not_write(client, staff):
    contact = ContactFactory(last_name="Lesbar")
    _token, secret = token_for(staff, scope=TokenScope.READ)
    auth = bearer(secret)
    assert client.get(f"/api/v1/contacts/{contact.pk}", **auth).status_code == 200
    body = {"data": json.dumps({"last_name": "Ny"}), "content_type": "application/json"}
    assert client.post("/api/v1/contacts", **body, **auth).status_code == 403
    assert client.patch(f"/api/v1/contacts/{contact.pk}", **body, **auth).status_code == 403
    assert client.delete(f"/api/v1/contacts/{contact.pk}", **auth).status_code == 403
    contact.refresh_from_db()
    assert contact.last_name == "Lesbar"


def test_only_administrators_set_a_customer_number(client, staff_auth, admin_auth):
    body = {"last_name": "Kunde", "customer_number": 777001}
    kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    staff_made = client.post("/api/v1/contacts", **kwargs, **staff_auth).json()
    assert staff_made["customer_number"] is None
    admin_made = client.post("/api/v1/contacts", **kwargs, **admin_auth).json()
    assert admin_made["customer_number"] == 777001


def test_the_session_works_with_its_csrf_token_and_not_without(staff):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    assert browser.get("/api/v1/contacts").status_code == 200
    body = {"data": json.dumps({"last_name": "Økt"}), "content_type": "application/json"}
    assert browser.post("/api/v1/contacts", **body).status_code == 403
    browser.get("/api/tokens/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/contacts", **body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_a_session_without_crm_access_is_refused(client, no_access_user):
    client.force_login(no_access_user)
    assert client.get("/api/v1/contacts").status_code == 403


def test_a_note_written_through_a_token_is_the_token_users(client, staff, staff_auth):
    contact = ContactFactory()
    response = client.post(
        "/api/v1/notes",
        json.dumps({"contact": contact.pk, "text": "Via API", "private": True}),
        content_type="application/json",
        **staff_auth,
    )
    assert response.status_code == 201
    assert Note.objects.get(pk=response.json()["id"]).author == staff


def test_a_revoked_token_is_refused_even_beside_a_session(client, staff):
    token, secret = token_for(staff)
    token_revoke(token=token)
    client.force_login(staff)
    assert client.get("/api/v1/contacts", **bearer(secret)).status_code == 401
