import logging
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from history.models import Entry
from mailbox import crypto
from mailbox.models import MailFolderState, Message, MessageAttachment, MessageContact
from mailbox.services import account_sync, contact_link_past_mail, mail_account_test
from tests.factories import ContactEmailFactory, ContactFactory
from tests.mailbox.conftest import raw_mail

pytestmark = pytest.mark.django_db


def test_sync_stores_and_links_messages(dovecot, imap_user, make_account, staff):
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="Kunde@Example.no")
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail(subject="Tilbud", sender="kunde@example.no"))
    dovecot.append(
        imap_user[0],
        raw_mail(subject="Svar", sender="ola@firma.no", to="KUNDE@example.no"),
        folder="Sent",
    )

    report = account_sync(account=account)

    assert (report.new, report.skipped, report.errors) == (2, 0, [])
    links = {link.message.subject: link.direction for link in MessageContact.objects.all()}
    assert links == {"Tilbud": "received", "Svar": "sent"}
    assert Entry.objects.filter(contact=contact, verb="mailbox.linked", mail=True).count() == 2


def test_running_sync_again_adds_nothing(dovecot, imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], [raw_mail(subject=f"M{i}") for i in range(3)])
    account_sync(account=account)
    again = account_sync(account=account)
    assert again.new == 0
    assert again.seen == 0
    assert Message.objects.count() == 3


def test_new_messages_are_read_incrementally(dovecot, imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail(subject="one"))
    account_sync(account=account)
    dovecot.append(imap_user[0], raw_mail(subject="two"))
    report = account_sync(account=account)
    assert (report.seen, report.new) == (1, 1)
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 2


def test_changed_uidvalidity_rereads_the_folder_without_duplicates(
    dovecot, imap_user, make_account, staff
):
    account = make_account(staff, imap_user)
    same = raw_mail(subject="same", message_id="<same@example.no>")
    dovecot.append(imap_user[0], same, folder="Sent")
    account_sync(account=account)
    before = MailFolderState.objects.get(account=account, name="Sent").uidvalidity
    dovecot.recreate_folder(imap_user[0], "Sent")
    dovecot.append(imap_user[0], [same, raw_mail(subject="new")], folder="Sent")

    report = account_sync(account=account)

    state = MailFolderState.objects.get(account=account, name="Sent")
    assert state.uidvalidity != before
    assert (report.seen, report.new) == (2, 1)
    assert Message.objects.filter(subject="same").count() == 1


def test_same_message_in_two_mailboxes_is_stored_once(
    dovecot, imap_user, make_account, staff, other_staff
):
    second_user = ("dup" + imap_user[0], "pw-dup")
    dovecot.add_user(*second_user)
    raw = raw_mail(subject="Til begge", message_id="<both@example.no>")
    no_id = raw_mail(subject="Uten id", message_id=None)
    dovecot.append(imap_user[0], [raw, no_id])
    dovecot.append(second_user[0], [raw, no_id])
    account_sync(account=make_account(staff, imap_user))
    account_sync(account=make_account(other_staff, second_user))
    assert Message.objects.count() == 2
    assert Message.objects.get(subject="Til begge").copies.count() == 2


def test_malformed_message_is_logged_and_skipped(dovecot, imap_user, make_account, staff, caplog):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], [b"\x00\x01garbage", raw_mail(subject="good")])
    with caplog.at_level(logging.WARNING, logger="mailbox"):
        report = account_sync(account=account)
    assert (report.new, report.skipped) == (1, 1)
    assert "Skipped message" in caplog.text


def test_large_attachment_and_inline_image_are_stored(dovecot, imap_user, make_account, staff):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "kunde@example.no", "ola@firma.no", "Vedlegg"
    msg["Message-ID"] = "<big@example.no>"
    msg.set_content("Se vedlegg")
    msg.add_alternative('<p>Logo: <img src="cid:logo@example.no"></p>', subtype="html")
    msg.get_payload()[1].add_related(
        b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image", "png", cid="<logo@example.no>"
    )
    msg.add_attachment(b"x" * (5 * 1024 * 1024), "application", "pdf", filename="stor.pdf")
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], msg.as_bytes())

    assert account_sync(account=account).new == 1

    message = Message.objects.get()
    big = MessageAttachment.objects.get(filename="stor.pdf")
    logo = MessageAttachment.objects.get(content_id="logo@example.no")
    assert big.size == 5 * 1024 * 1024 and big.file.size == big.size
    assert f"/mail/attachments/{logo.pk}/" in message.html_body
    assert message.has_attachments


def test_account_without_linking_links_nothing(dovecot, imap_user, make_account, staff):
    ContactEmailFactory(email="kunde@example.no")
    account = make_account(staff, imap_user, link=False)
    dovecot.append(imap_user[0], raw_mail())
    account_sync(account=account)
    assert Message.objects.count() == 1
    assert not MessageContact.objects.exists()


def test_new_contact_address_links_past_messages(dovecot, imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail(sender="ny@example.no"))
    account_sync(account=account)
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="NY@example.no")

    assert contact_link_past_mail(contact=contact) == 1
    assert contact_link_past_mail(contact=contact) == 0
    assert MessageContact.objects.get().contact == contact


def test_test_connection_says_what_is_wrong(dovecot, imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    assert mail_account_test(account=account)[0] is True
    account.password_encrypted = crypto.encrypt("wrong")
    ok, text = mail_account_test(account=account)
    assert not ok and "passordet" in text
    account.host = "no-such-host.invalid"
    ok, text = mail_account_test(account=account)
    assert not ok and "no-such-host.invalid" in text


def test_password_is_stored_encrypted(imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    assert imap_user[1] not in account.password_encrypted


def test_sync_mail_command_reads_every_account(dovecot, imap_user, make_account, staff):
    make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail())
    call_command("sync_mail", "--user", staff.username, verbosity=0)
    assert Message.objects.count() == 1
