"""The mailbox's rules under concurrency, each race forced (tests/races.py)."""

import pytest

from contacts.models import Contact
from contacts.services import contact_update
from history.models import Entry
from mailbox.models import MailFolderState, Message, MessageContact
from mailbox.parsing import parse_message
from mailbox.services import email_lock, linking, storing, sync
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.mailbox.conftest import raw_mail
from tests.mailbox.factories import MailAccountFactory
from tests.races import Rendezvous, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sync_started_while_the_account_syncs_is_told_it_is_busy(
    dovecot, imap_user, make_account, staff, monkeypatch
):
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="kunde@example.no")
    account = make_account(staff, imap_user)
    dovecot.append(imap_user[0], raw_mail(subject="Tilbud", sender="kunde@example.no"))
    meet = Rendezvous(2)
    # Called once a sync has the account to itself, before it reads the mailbox.
    monkeypatch.setattr(sync, "imap_connect", meet.before(sync.imap_connect))

    def sync_account():
        return sync.account_sync(account=type(account).objects.get(pk=account.pk))

    outcomes = race(meet, sync_account, sync_account)

    assert [o.error for o in outcomes] == [None, None]
    # The second worker is told the account is busy and leaves the mailbox alone.
    assert sorted(o.value.errors for o in outcomes) == [[], ["busy"]]
    assert sorted((o.value.seen, o.value.new) for o in outcomes) == [(0, 0), (1, 1)]
    assert Message.objects.count() == 1
    assert Entry.objects.filter(contact=contact, verb="mailbox.linked").count() == 1
    assert MailFolderState.objects.get(account=account, name="INBOX").last_uid == 1


def test_one_message_linked_by_two_mailboxes_at_once_is_on_the_timeline_once(monkeypatch):
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="kunde@example.no")
    parsed = parse_message(raw_mail(subject="Tilbud", sender="kunde@example.no"))
    # Stored first from a mailbox that does not link to the CRM ...
    storing.message_store(parsed=parsed, account=MailAccountFactory(link_to_crm=False), uid=1)
    # ... then synced from two colleagues' linking mailboxes at the same moment.
    meet = Rendezvous(2)
    # Called after the link is written, before the timeline entry is.
    monkeypatch.setattr(linking, "history_record_many", meet.before(linking.history_record_many))

    def store(account):
        return lambda: storing.message_store(parsed=parsed, account=account, uid=7)

    outcomes = race(
        meet,
        store(MailAccountFactory(link_to_crm=True)),
        store(MailAccountFactory(link_to_crm=True)),
    )

    assert [o.error for o in outcomes] == [None, None]
    assert MessageContact.objects.filter(contact=contact).count() == 1
    assert Entry.objects.filter(contact=contact, verb="mailbox.linked").count() == 1


def test_mail_from_an_address_given_to_a_contact_at_that_moment_is_linked_to_it(monkeypatch):
    contact = ContactFactory()
    account = MailAccountFactory(link_to_crm=True)
    parsed = parse_message(raw_mail(subject="Tilbud", sender="ny@example.no"))
    meet = Rendezvous(2)
    # Each waits once it has written the address, or the message, and looked for the other
    # half, until the other has looked too: neither has committed yet.
    monkeypatch.setattr(linking, "messages_link", meet.after(linking.messages_link))

    outcomes = race(
        meet,
        lambda: contact_update(
            contact=Contact.objects.get(pk=contact.pk), emails=["ny@example.no"]
        ),
        lambda: storing.message_store(parsed=parsed, account=account, uid=1),
    )

    assert [o.error for o in outcomes] == [None, None]
    # The message shows on the card whichever of the two was saved first.
    assert MessageContact.objects.filter(contact=contact).count() == 1
    assert Entry.objects.filter(contact=contact, verb="mailbox.linked").count() == 1


def test_two_administrators_locking_a_contacts_mail_at_once_lock_it_once(monkeypatch, firm_admin):
    contact = ContactFactory()
    meet = Rendezvous(2)
    # Called after the lock is written, before the timeline entry is.
    monkeypatch.setattr(email_lock, "history_record", meet.before(email_lock.history_record))

    def lock():
        return email_lock.contact_email_lock(contact=contact, actor=firm_admin)

    outcomes = race(meet, lock, lock)

    assert [o.error for o in outcomes] == [None, None]
    assert Entry.objects.filter(contact=contact, verb="mailbox.locked").count() == 1
