"""The files app decides every download; the mailbox plugs in its rules (files.access):
attachments of readable messages are shared, those of locked contacts' messages hidden."""

import pytest
from django.urls import reverse

from files import access
from files.models import FileLink
from files.selectors import files_visible_to
from mailbox.services.email_lock import contact_email_lock
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.files.factories import FileLinkFactory
from tests.mailbox.factories import MessageAttachmentFactory, MessageContactFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% kontrakt\n"


@pytest.fixture
def mail_attachment():
    """A contact's linked message with one attachment (linked nowhere in a file area)."""
    contact = ContactFactory(last_name="Postmann")
    attachment = MessageAttachmentFactory(file__name="kontrakt.pdf", file__content=PDF)
    MessageContactFactory(message=attachment.message, contact=contact)
    return contact, attachment


def _download_url(attachment):
    return reverse("files:download", args=[attachment.file_id])


def _tab(client, contact):
    return client.get(
        reverse("contacts:tab", args=[contact.pk, "files"]), headers={"HX-Request": "true"}
    ).content.decode()


def _picker(client, place):
    return client.get(reverse("files:pick", args=["contact", place.pk])).content.decode()


# --- downloading an attachment through the files app ---------------------------------------


def test_staff_downloads_a_readable_messages_attachment_from_the_files_app(
    staff_client, mail_attachment
):
    _contact, attachment = mail_attachment
    assert attachment.get_absolute_url() == _download_url(attachment)
    response = staff_client.get(_download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="kontrakt.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_attachment_of_a_locked_contacts_message_is_404_for_staff_and_served_to_admins(
    client, staff, firm_admin, mail_attachment
):
    contact, attachment = mail_attachment
    contact_email_lock(contact=contact, actor=firm_admin)
    client.force_login(staff)
    assert client.get(_download_url(attachment)).status_code == 404
    client.force_login(firm_admin)
    response = client.get(_download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_lock_on_any_linked_contact_hides_the_attachment_from_staff(
    client, staff, firm_admin, mail_attachment
):
    _contact, attachment = mail_attachment
    other = ContactFactory()
    MessageContactFactory(message=attachment.message, contact=other)
    contact_email_lock(contact=other, actor=firm_admin)
    client.force_login(staff)
    assert client.get(_download_url(attachment)).status_code == 404


def test_attachment_of_a_message_linked_to_no_contact_is_404_even_for_admins(client, firm_admin):
    attachment = MessageAttachmentFactory(file__content=PDF)
    client.force_login(firm_admin)
    assert client.get(_download_url(attachment)).status_code == 404


def test_attachment_download_without_crm_access_is_403(client, no_access_user, mail_attachment):
    client.force_login(no_access_user)
    assert client.get(_download_url(mail_attachment[1])).status_code == 403


def test_attachment_download_sends_anonymous_to_login(client, mail_attachment):
    response = client.get(_download_url(mail_attachment[1]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- attachments stay out of the file area ---------------------------------------------------


def test_an_attachment_only_file_is_neither_offered_nor_pickable_nor_deletable(
    staff_client, mail_attachment
):
    contact, attachment = mail_attachment
    FileLinkFactory(file__name="vanlig.txt", contact=None, company=CompanyFactory())
    place = ContactFactory()
    picker = _picker(staff_client, place)
    assert "vanlig.txt" in picker and "kontrakt.pdf" not in picker
    staff_client.post(
        reverse("files:pick", args=["contact", place.pk]), {"file": [attachment.file_id]}
    )
    assert not FileLink.objects.filter(file=attachment.file).exists()
    assert staff_client.get(reverse("files:delete", args=[attachment.file_id])).status_code == 404
    assert "kontrakt.pdf" not in _tab(staff_client, contact)


# --- the hiding rule reaches into the file area ------------------------------------------


@pytest.fixture
def locked_but_filed(firm_admin, mail_attachment):
    """A locked contact's attachment that was also linked into another contact's file
    area (someone picked it before the lock), beside an ordinary file there."""
    contact, attachment = mail_attachment
    filed_at = ContactFactory(last_name="Arkiv")
    link = FileLinkFactory(file=attachment.file, contact=filed_at)
    FileLinkFactory(file__name="vanlig.txt", contact=filed_at)
    contact_email_lock(contact=contact, actor=firm_admin)
    return filed_at, link


def test_locked_attachment_in_a_file_area_is_hidden_from_staff(staff_client, locked_but_filed):
    filed_at, link = locked_but_filed
    tab = _tab(staff_client, filed_at)
    assert "vanlig.txt" in tab and "kontrakt.pdf" not in tab
    assert tab.count('data-testid="file-row"') == 1
    picker = _picker(staff_client, ContactFactory())
    assert "vanlig.txt" in picker and "kontrakt.pdf" not in picker
    assert staff_client.get(reverse("files:download", args=[link.file_id])).status_code == 404
    assert staff_client.get(reverse("files:delete", args=[link.file_id])).status_code == 404
    assert staff_client.post(reverse("files:link_delete", args=[link.pk])).status_code == 404
    assert FileLink.objects.filter(pk=link.pk).exists()


def test_locked_attachment_in_a_file_area_is_shown_to_admins(client, firm_admin, locked_but_filed):
    filed_at, link = locked_but_filed
    client.force_login(firm_admin)
    assert "kontrakt.pdf" in _tab(client, filed_at)
    assert "kontrakt.pdf" in _picker(client, ContactFactory())
    assert client.get(reverse("files:download", args=[link.file_id])).status_code == 200


def test_tab_query_count_stays_fixed_with_hidden_attachments(
    staff_client, firm_admin, django_assert_max_num_queries
):
    contact = ContactFactory()
    locked = ContactFactory(email_locked=True)
    for i in range(60):
        if i % 2:
            FileLinkFactory(file__name=f"f{i}.txt", contact=contact)
        else:
            attachment = MessageAttachmentFactory(file__name=f"vedlegg{i}.pdf")
            MessageContactFactory(message=attachment.message, contact=locked)
            FileLinkFactory(file=attachment.file, contact=contact)
    with django_assert_max_num_queries(12):
        tab = _tab(staff_client, contact)
    assert tab.count('data-testid="file-row"') == 25 and "vedlegg" not in tab


# --- the registry ------------------------------------------------------------------------


def test_visibility_is_one_query_whatever_the_rules(
    staff, mail_attachment, django_assert_num_queries
):
    assert access.shared_with(staff) is not None and access.hidden_from(staff) is not None
    files_visible_to(staff).exists()  # the permission cache, as a view has it
    with django_assert_num_queries(1):
        assert list(files_visible_to(staff)) == [mail_attachment[1].file]


def test_a_registered_rule_applies_and_nothing_hides_without_rules(
    monkeypatch, staff, mail_attachment
):
    plain = FileLinkFactory().file
    monkeypatch.setattr(access, "_hiding_rules", [])
    assert set(files_visible_to(staff)) == {plain, mail_attachment[1].file}
    monkeypatch.setattr(access, "_sources", [])
    assert list(files_visible_to(staff)) == [plain]
    access.register_file_hiding_rule(lambda user: FileLink.objects.filter(file=plain))
    assert list(files_visible_to(staff)) == []
