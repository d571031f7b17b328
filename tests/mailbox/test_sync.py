import logging
from email.message import EmailMessage

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import ContactEmail
from history.models import Entry
from mailbox import crypto
from mailbox import parsing as storing_parsing
from mailbox.models import (
    MailAccount,
    MailFolderState,
    Message,
    MessageAddress,
    MessageAttachment,
    MessageContact,
    MessageCopy,
)
from mailbox.parsing import parse_message
from mailbox.services import backfill, storing, sync
from mailbox.services.accounts import mail_account_test
from mailbox.services.linking import contact_link_past_mail
from mailbox.services.storing import message_store, messages_store
from mailbox.services.sync import account_sync
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.mailbox.conftest import raw_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    """A contact with the address raw_mail() sends from: a sync collects its mail."""
    return ContactEmailFactory(email="kunde@example.no").contact


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


def test_running_sync_again_adds_nothing(dovecot, imap_user, make_account, staff, customer):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], [raw_mail(subject=f"M{i}") for i in range(3)])
    account_sync(account=account)
    again = account_sync(account=account)
    assert again.new == 0
    assert again.seen == 0
    assert Message.objects.count() == 3


def test_new_messages_are_read_incrementally(dovecot, imap_user, make_account, staff, customer):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail(subject="one"))
    account_sync(account=account)
    dovecot.append(imap_user[0], raw_mail(subject="two"))
    report = account_sync(account=account)
    assert (report.seen, report.new) == (1, 1)
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 2


def test_changed_uidvalidity_rereads_the_folder_without_duplicates(
    dovecot, imap_user, make_account, staff, customer
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
    dovecot, imap_user, make_account, staff, other_staff, customer
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


def test_malformed_message_is_not_stored(dovecot, imap_user, make_account, staff, customer):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], [b"\x00\x01garbage", raw_mail(subject="good")])
    report = account_sync(account=account)
    assert (report.seen, report.new) == (2, 1)
    assert list(Message.objects.values_list("subject", flat=True)) == ["good"]


def test_message_that_cannot_be_parsed_is_logged_and_skipped(
    dovecot, imap_user, make_account, staff, customer, monkeypatch, caplog
):
    def refuse(raw):
        raise storing_parsing.MalformedMessage("unreadable body")

    account = make_account(staff, imap_user, folders="INBOX")
    dovecot.append(imap_user[0], raw_mail(subject="broken"))
    monkeypatch.setattr(sync, "parse_message", refuse)
    with caplog.at_level(logging.WARNING, logger="mailbox"):
        report = account_sync(account=account)
    assert (report.new, report.skipped) == (0, 1)
    assert "Skipped message UID 1" in caplog.text
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 1


def test_large_attachment_and_inline_image_are_stored(
    dovecot, imap_user, make_account, staff, customer
):
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
    # Inline images point at the files app's download, which checks who may see them.
    assert reverse("files:download", args=[logo.file_id]) in message.html_body
    assert message.has_attachments


def test_account_without_linking_stores_nothing_and_moves_its_mark(
    dovecot, imap_user, make_account, staff, customer
):
    account = make_account(staff, imap_user, link=False)
    dovecot.append(imap_user[0], [raw_mail(), raw_mail()])
    report = account_sync(account=account)
    assert (report.seen, report.new) == (0, 0)
    assert not Message.objects.exists() and not MessageCopy.objects.exists()
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 2
    dovecot.append(imap_user[0], raw_mail())
    account_sync(account=account)
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 3
    assert not Message.objects.exists()


def test_linking_account_stores_only_mail_with_a_contacts_address(
    dovecot, imap_user, make_account, staff, customer, monkeypatch
):
    account = make_account(staff, imap_user, folders="INBOX")
    dovecot.append(
        imap_user[0],
        [
            raw_mail(subject="Nyhetsbrev", sender="nyheter@example.com"),
            raw_mail(subject="Kopi", sender="kollega@firma.no", cc="Kunde <KUNDE@example.no>"),
            raw_mail(subject="Reklame", sender="reklame@example.com", to="ola@firma.no"),
            raw_mail(subject="Fra kunden"),
        ],
    )
    fetched = []
    real_fetch = sync.fetch_messages
    monkeypatch.setattr(
        sync, "fetch_messages", lambda box, uids: fetched.extend(uids) or real_fetch(box, uids)
    )
    report = account_sync(account=account)

    assert (report.seen, report.new) == (4, 2)
    # Only the two kept were fetched in full; the others were read as headers alone.
    assert fetched == [2, 4]
    assert set(Message.objects.values_list("subject", flat=True)) == {"Kopi", "Fra kunden"}
    assert MessageContact.objects.filter(contact=customer).count() == 2
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 4
    again = account_sync(account=account)
    assert (again.seen, again.new) == (0, 0)


def _switch_linking(account, link: bool):
    from mailbox.services.accounts import mail_account_save

    fields = ("email", "host", "port", "security", "username", "folders")
    mail_account_save(
        user=account.user,
        account=MailAccount.objects.get(pk=account.pk),
        link_to_crm=link,
        **{name: getattr(account, name) for name in fields},
    )


def test_switching_linking_off_lets_go_of_the_accounts_unlinked_mail(
    dovecot, imap_user, make_account, staff, customer
):
    from files.models import StoredFile

    account = make_account(staff, imap_user, folders="INBOX")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "kunde@example.no", "ola@firma.no", "Vedlegg"
    msg["Message-ID"] = "<unlinked@example.no>"
    msg.set_content("Se vedlegg")
    msg.add_attachment(b"PDF", "application", "pdf", filename="kontrakt.pdf")
    dovecot.append(imap_user[0], [msg.as_bytes(), raw_mail(subject="Lenket")])
    account_sync(account=account)
    # The contact link of one goes (say, removed by hand): only this account kept it.
    MessageContact.objects.filter(message__subject="Vedlegg").delete()

    _switch_linking(account, False)

    assert not MessageCopy.objects.exists()
    assert list(Message.objects.values_list("subject", flat=True)) == ["Lenket"]
    assert not StoredFile.objects.exists()
    # Switched on again, the folder is read from the start: the linked mail comes back.
    _switch_linking(account, True)
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 0
    report = account_sync(account=account)
    assert (report.seen, report.new) == (2, 1)
    assert MessageCopy.objects.filter(account=account).count() == 2


def test_new_contact_address_links_past_messages(
    dovecot, imap_user, make_account, staff, customer
):
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail(sender="ny@example.no", cc="kunde@example.no"))
    account_sync(account=account)
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="NY@example.no")

    assert contact_link_past_mail(contact=contact) == 1
    assert contact_link_past_mail(contact=contact) == 0
    assert MessageContact.objects.filter(contact=contact).count() == 1


def test_test_connection_says_what_is_wrong(dovecot, imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    assert mail_account_test(account=account)[0] is True
    account.password_encrypted = crypto.encrypt("wrong")
    ok, text = mail_account_test(account=account)
    assert not ok and "passordet" in text
    account.host = "no-such-host.invalid"
    ok, text = mail_account_test(account=account)
    assert not ok and "no-such-host.invalid" in text


def test_sync_refuses_a_server_that_now_points_inward(
    dovecot, imap_user, make_account, staff, settings
):
    """An account saved while its server was allowed is not read once the server counts
    as internal: the sync checks at connection time, not only the form."""
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail())
    settings.OUTBOUND_ALLOWED_HOSTS = []
    report = account_sync(account=account)
    assert not Message.objects.exists()
    account.refresh_from_db()
    assert "intern adresse" in account.last_error
    assert report.errors == [account.last_error]


def test_test_connection_logs_in_to_an_allowed_server_by_name(
    dovecot, imap_user, make_account, staff, settings
):
    account = make_account(staff, imap_user)
    settings.OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    account.host = "localhost"
    assert mail_account_test(account=account) == (
        True,
        "Tilkoblet og logget inn. Alle mappene ble funnet.",
    )


def test_a_failed_tls_handshake_reads_like_a_closed_port(
    dovecot, imap_user, make_account, staff, closed_port
):
    account = make_account(staff, imap_user)
    account.security = "ssl"  # Dovecot here speaks plain IMAP
    tls = mail_account_test(account=account)
    account.port = closed_port
    closed = mail_account_test(account=account)
    neutral = "Fikk ikke kontakt med serveren. Sjekk vertsnavn, port og kryptering."
    assert tls == closed == (False, neutral)


def test_password_is_stored_encrypted(imap_user, make_account, staff):
    account = make_account(staff, imap_user)
    assert imap_user[1] not in account.password_encrypted


def test_sync_mail_command_reads_every_account(dovecot, imap_user, make_account, staff, customer):
    make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail())
    call_command("sync_mail", "--user", staff.username, verbosity=0)
    assert Message.objects.count() == 1


def _imap_user(dovecot, name):
    dovecot.add_user(name, f"pw-{name}")
    return name, f"pw-{name}"


def test_sync_queries_do_not_grow_with_the_number_of_messages(
    dovecot, imap_user, make_account, staff
):
    for i in range(3):
        ContactEmailFactory(email=f"kunde{i}@example.no")
    ContentType.objects.get_for_model(Message)  # cached in a running worker too
    queries = {}
    for count in (10, 50):
        login = _imap_user(dovecot, f"q{count}{imap_user[0]}")
        dovecot.append(
            login[0],
            [raw_mail(subject=f"M{i}", sender=f"kunde{i % 3}@example.no") for i in range(count)],
        )
        account = make_account(staff, login)
        with CaptureQueriesContext(connection) as captured:
            report = account_sync(account=account)
        assert (report.new, report.skipped) == (count, 0)
        queries[count] = len(captured)

    assert MessageContact.objects.count() == 60
    assert Entry.objects.filter(verb="mailbox.linked").count() == 60
    assert queries[50] == queries[10] < 50


def test_sync_reads_a_folder_in_chunks_and_reports_progress(
    dovecot, imap_user, make_account, staff, monkeypatch
):
    monkeypatch.setattr(sync, "BATCH", 2)
    ContactEmailFactory(email="kunde@example.no")
    account = make_account(staff, imap_user, folders="INBOX")
    dovecot.append(imap_user[0], [raw_mail(subject=f"M{i}") for i in range(5)])
    steps = []

    report = account_sync(
        account=account, progress=lambda **step: steps.append((step["total"], step["done"]))
    )

    assert (report.seen, report.new) == (5, 5)
    assert steps == [(5, 0), (5, 2), (5, 4), (5, 5)]
    assert MessageContact.objects.count() == 5
    assert list(MessageCopy.objects.order_by("uid").values_list("uid", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_sync_stopped_mid_run_resumes_without_storing_anything_twice(
    dovecot, imap_user, make_account, staff, monkeypatch
):
    monkeypatch.setattr(sync, "BATCH", 2)
    ContactEmailFactory(email="kunde@example.no")
    account = make_account(staff, imap_user, folders="INBOX")
    dovecot.append(imap_user[0], [raw_mail(subject=f"M{i}") for i in range(5)])
    real_store, calls = sync.messages_store, []

    def store_then_lose_the_database(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_store(**kwargs)

    monkeypatch.setattr(sync, "messages_store", store_then_lose_the_database)
    stopped = account_sync(account=account)

    assert stopped.new == 2 and stopped.errors
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 2
    monkeypatch.setattr(sync, "messages_store", real_store)
    resumed = account_sync(account=account)
    assert (resumed.seen, resumed.new) == (3, 3)
    assert Message.objects.count() == 5
    assert MessageContact.objects.count() == 5
    assert Entry.objects.filter(verb="mailbox.linked").count() == 5


def test_message_the_database_refuses_is_skipped_and_the_rest_of_its_chunk_stored(
    dovecot, imap_user, make_account, staff, monkeypatch, caplog, customer
):
    real_new_message = storing._new_message

    def refuse_one(parsed):
        message = real_new_message(parsed)
        if message.subject == "refused":
            message.subject = "NUL \x00 in the text"  # PostgreSQL refuses it
        return message

    monkeypatch.setattr(storing, "_new_message", refuse_one)
    account = make_account(staff, imap_user, folders="INBOX")
    dovecot.append(imap_user[0], [raw_mail(subject=s) for s in ("first", "refused", "last")])

    with caplog.at_level(logging.WARNING, logger="mailbox"):
        report = account_sync(account=account)

    assert (report.seen, report.new, report.skipped) == (3, 2, 1)
    assert set(Message.objects.values_list("subject", flat=True)) == {"first", "last"}
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 3
    assert "Skipped message UID 2" in caplog.text


def test_same_message_twice_in_one_folder_is_stored_and_linked_once(
    dovecot, imap_user, make_account, staff
):
    ContactEmailFactory(email="kunde@example.no")
    account = make_account(staff, imap_user)
    twice = raw_mail(subject="To ganger", message_id="<twice@example.no>")
    dovecot.append(imap_user[0], [twice, twice])

    report = account_sync(account=account)

    assert (report.seen, report.new) == (2, 1)
    assert MessageCopy.objects.get().uid == 1
    assert MessageContact.objects.count() == 1


def test_message_with_undecodable_8bit_headers_is_stored(dovecot, imap_user, make_account, staff):
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="kunde@example.no")
    raw = (
        b"From: K\xf8ster <kunde@example.no>\r\nTo: ola@firma.no\r\n"
        b"Subject: Hei p\xe5 deg\r\nMessage-ID: <8bit\x00@example.no>\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0100\r\n\r\nHei\r\n"
    )
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw)

    report = account_sync(account=account)

    assert (report.new, report.skipped) == (1, 0)
    message = Message.objects.get()
    assert message.from_name == "Køster"
    assert MessageContact.objects.get().contact == contact


def test_stored_message_gets_its_copy_without_being_fetched_again(
    dovecot, imap_user, make_account, staff, monkeypatch
):
    raw = raw_mail(subject="Delt", sender="ukjent@example.com", message_id="<shared@example.no>")
    message_store(parsed=parse_message(raw), account=None)
    dovecot.append(imap_user[0], raw)
    account = make_account(staff, imap_user, folders="INBOX")
    monkeypatch.setattr(sync, "fetch_messages", lambda box, uids: pytest.fail("fetched"))

    report = account_sync(account=account)

    assert (report.seen, report.new) == (1, 0)
    assert MessageCopy.objects.get(account=account).message.subject == "Delt"


def test_existing_message_seen_in_a_linking_account_is_linked(
    dovecot, imap_user, make_account, staff
):
    raw = raw_mail(subject="Delt", message_id="<shared@example.no>")
    message_store(parsed=parse_message(raw), account=None)
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="kunde@example.no")
    dovecot.append(imap_user[0], raw)

    report = account_sync(account=make_account(staff, imap_user))

    assert report.new == 0
    assert MessageContact.objects.get().contact == contact
    assert MessageAddress.objects.count() == 2


def test_message_another_sync_stored_meanwhile_is_not_stored_twice(
    imap_user, make_account, staff, monkeypatch
):
    account = make_account(staff, imap_user)
    meanwhile = parse_message(raw_mail(subject="Samtidig", message_id="<race@example.no>"))
    other = message_store(parsed=meanwhile, account=None).message
    real_lookup, lookups = storing._messages_by_key, []

    def lookup_before_the_other_sync_committed(keys):
        lookups.append(keys)
        return {} if len(lookups) == 1 else real_lookup(keys)

    monkeypatch.setattr(storing, "_messages_by_key", lookup_before_the_other_sync_committed)
    results = messages_store(
        messages=[(meanwhile, 1), (parse_message(raw_mail(subject="Ny")), 2)],
        account=account,
        folder="INBOX",
    )

    assert [(r.message.subject, r.created) for r in results] == [
        ("Samtidig", False),
        ("Ny", True),
    ]
    assert results[0].message.pk == other.pk
    assert Message.objects.count() == 2
    assert MessageCopy.objects.filter(account=account).count() == 2


# --- the back-fill: mail passed over before a contact had the address -------------------


def _passed_over(dovecot, imap_user, make_account, staff):
    """A linking account whose sync passed over two messages from a stranger (one in
    Sent, to them) and kept one from the customer."""
    account = make_account(staff, imap_user)
    dovecot.append(
        imap_user[0],
        [
            raw_mail(subject="Forespørsel", sender="Ny Kunde <ny@example.no>"),
            raw_mail(subject="Fra kunden"),
            raw_mail(subject="Nyhetsbrev", sender="nyheter@example.com"),
        ],
    )
    dovecot.append(
        imap_user[0],
        raw_mail(subject="Tilbud", sender="ola@firma.no", to="NY@example.no"),
        folder="Sent",
    )
    account_sync(account=account)
    assert set(Message.objects.values_list("subject", flat=True)) == {"Fra kunden"}
    return account


def test_a_new_address_collects_the_mail_the_syncs_passed_over(
    dovecot, imap_user, make_account, staff, customer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from contacts.services import contact_create
    from mailbox.tasks import backfill_mail

    account = _passed_over(dovecot, imap_user, make_account, staff)
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_create(last_name="Kunde", emails=["ny@example.no"])
    task = DBTaskResult.objects.get(task_path="mailbox.tasks.backfill_mail")
    assert task.args_kwargs["args"] == [["ny@example.no"]]

    with django_capture_on_commit_callbacks(execute=True):
        result = backfill_mail.call(*task.args_kwargs["args"])

    assert result == {"accounts": 1, "new": 2, "busy": [], "failed": []}
    links = {
        m.message.subject: m.direction for m in MessageContact.objects.filter(contact=contact)
    }
    assert links == {"Forespørsel": "received", "Tilbud": "sent"}
    assert not Message.objects.filter(subject="Nyhetsbrev").exists()
    assert MessageCopy.objects.filter(account=account).count() == 3
    # The marks stay where the syncs left them, and a second back-fill adds nothing.
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 3
    assert backfill_mail.call(["ny@example.no"])["new"] == 0
    assert account_sync(account=account).new == 0
    assert Message.objects.count() == 3


def test_the_back_fill_reads_only_below_the_syncs_mark(
    dovecot, imap_user, make_account, staff, customer
):
    account = _passed_over(dovecot, imap_user, make_account, staff)
    dovecot.append(imap_user[0], raw_mail(subject="Etterpå", sender="ny@example.no"))
    ContactEmailFactory(email="ny@example.no")
    [report] = backfill.addresses_backfill(addresses=["NY@example.no"])
    assert (report.new, report.errors) == (2, [])
    assert not Message.objects.filter(subject="Etterpå").exists()  # the next sync's
    assert account_sync(account=account).new == 1


def test_a_busy_account_is_back_filled_again_a_minute_later(
    dovecot, imap_user, make_account, staff, customer
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mailbox.services.locks import account_sync_lock
    from mailbox.tasks import backfill_mail

    account = _passed_over(dovecot, imap_user, make_account, staff)
    ContactEmailFactory(email="ny@example.no")
    with account_sync_lock(account.pk):  # a sync of the account runs meanwhile
        result = backfill_mail.call(["ny@example.no"])
    assert result == {"accounts": 1, "new": 0, "busy": [account.pk], "failed": []}
    retry = DBTaskResult.objects.get(task_path="mailbox.tasks.backfill_mail", status="READY")
    assert retry.args_kwargs["args"] == [["ny@example.no"], [account.pk]]
    assert retry.run_after > timezone.now()
    assert backfill_mail.call(*retry.args_kwargs["args"])["new"] == 2


def test_an_account_that_fails_is_back_filled_again_later_and_then_given_up(
    dovecot, imap_user, make_account, staff, customer
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from mailbox.tasks import BACKFILL_ATTEMPTS, BACKFILL_RETRY, backfill_mail

    account = _passed_over(dovecot, imap_user, make_account, staff)
    ContactEmailFactory(email="ny@example.no")
    right = account.password_encrypted
    # The server refuses the account for a while (its password changed there).
    account.password_encrypted = crypto.encrypt("endret-passord")
    account.save()

    def retry():
        task = DBTaskResult.objects.get(task_path="mailbox.tasks.backfill_mail", status="READY")
        task.delete()
        return task

    started = timezone.now()
    assert backfill_mail.call(["ny@example.no"]) == {
        "accounts": 1,
        "new": 0,
        "busy": [],
        "failed": [account.pk],
    }
    first = retry()
    assert first.args_kwargs["args"] == [["ny@example.no"], [account.pk]]
    assert first.args_kwargs["kwargs"]["attempt"] == 2
    wait = (first.run_after - started).total_seconds()
    assert BACKFILL_RETRY <= wait < BACKFILL_RETRY + 30
    # Still refused: the next wait is twice as long.
    started = timezone.now()
    backfill_mail.call(*first.args_kwargs["args"], **first.args_kwargs["kwargs"])
    second = retry()
    assert second.args_kwargs["kwargs"]["attempt"] == 3
    assert (
        2 * BACKFILL_RETRY
        <= (second.run_after - started).total_seconds()
        < 2 * BACKFILL_RETRY + 30
    )
    # The password put right: the retry collects the passed-over mail.
    account.password_encrypted = right
    account.save()
    result = backfill_mail.call(*second.args_kwargs["args"], **second.args_kwargs["kwargs"])
    assert result["new"] == 2 and result["failed"] == []
    assert not DBTaskResult.objects.filter(task_path="mailbox.tasks.backfill_mail").exists()
    assert Message.objects.filter(subject__in=["Forespørsel", "Tilbud"]).count() == 2
    # An account that never answers is given up after the last attempt.
    account.password_encrypted = crypto.encrypt("endret-passord")
    account.save()
    last = backfill_mail.call(["ny@example.no"], [account.pk], attempt=BACKFILL_ATTEMPTS)
    assert last["failed"] == [account.pk]
    assert not DBTaskResult.objects.filter(task_path="mailbox.tasks.backfill_mail").exists()


def test_an_address_change_without_a_linking_account_queues_nothing(
    staff, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from contacts.services import contact_create

    with django_capture_on_commit_callbacks(execute=True):
        contact_create(last_name="Kunde", emails=["ny@example.no"])
    assert not DBTaskResult.objects.filter(task_path="mailbox.tasks.backfill_mail").exists()


@pytest.mark.parametrize("rescan", [False, True])
def test_an_import_links_the_stored_mail_and_collects_what_was_passed_over(
    dovecot,
    imap_user,
    make_account,
    staff,
    firm_admin,
    customer,
    rescan,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tasks_db.models import DBTaskResult

    from imports import services as imports
    from mailbox.tasks import backfill_mail
    from tests.imports.files import csv_bytes

    if rescan:  # an import of more addresses than are searched for one by one
        monkeypatch.setattr(backfill, "SEARCH_ALL_MAX", 0)
    account = _passed_over(dovecot, imap_user, make_account, staff)
    # Stored already (the customer was on copy): linked at once by the import.
    dovecot.append(
        imap_user[0], raw_mail(subject="Kopi", sender="to@example.no", cc="kunde@example.no")
    )
    account_sync(account=account)
    header = ["Etternavn", "Fornavn", "E-post"]
    rows = [["Kunde", "Ny", "ny@example.no"], ["Kunde", "To", "TO@example.no"]]

    upload = SimpleUploadedFile("kunder.csv", csv_bytes(rows, header=header))
    job = imports.job_create(upload=upload, user=firm_admin)
    imports.job_preview(job=job)
    with django_capture_on_commit_callbacks(execute=True):
        imports.job_run(job=job)

    second = ContactEmail.objects.get(email="TO@example.no").contact
    assert MessageContact.objects.filter(contact=second, message__subject="Kopi").exists()
    task = DBTaskResult.objects.get(task_path="mailbox.tasks.backfill_mail")
    expected = ([[]], {"rescan": True}) if rescan else ([["ny@example.no", "to@example.no"]], {})
    assert (task.args_kwargs["args"], task.args_kwargs["kwargs"]) == expected
    with django_capture_on_commit_callbacks(execute=True):
        result = backfill_mail.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])
    assert result["new"] == 2
    first = ContactEmail.objects.get(email="ny@example.no").contact
    assert set(
        MessageContact.objects.filter(contact=first).values_list("message__subject", flat=True)
    ) == {"Forespørsel", "Tilbud"}
    assert not Message.objects.filter(subject="Nyhetsbrev").exists()


def test_the_back_fill_fetches_in_chunks_of_bounded_size(
    dovecot, imap_user, make_account, staff, customer, monkeypatch
):
    account = _passed_over(dovecot, imap_user, make_account, staff)
    dovecot.append(imap_user[0], raw_mail(subject="Purring", sender="ny@example.no"))
    account_sync(account=account)  # passed over too: INBOX UIDs 1 and 4 are the stranger's
    ContactEmailFactory(email="ny@example.no")
    monkeypatch.setattr(sync, "BATCH_BYTES", 1)  # every message a chunk of its own
    parts = []
    real_fetch = backfill.fetch_messages
    monkeypatch.setattr(
        backfill, "fetch_messages", lambda box, uids: parts.append(uids) or real_fetch(box, uids)
    )
    [report] = backfill.addresses_backfill(addresses=["ny@example.no"])
    assert report.new == 3
    assert parts == [[1], [4], [1]]  # INBOX's two one by one, then Sent's


def test_the_back_fill_leaves_a_folder_the_account_no_longer_syncs(
    dovecot, imap_user, make_account, staff, customer
):
    account = _passed_over(dovecot, imap_user, make_account, staff)
    MailAccount.objects.filter(pk=account.pk).update(folders="INBOX")
    ContactEmailFactory(email="ny@example.no")
    [report] = backfill.addresses_backfill(addresses=["ny@example.no"])
    assert report.new == 1
    assert not Message.objects.filter(subject="Tilbud").exists()  # in Sent
