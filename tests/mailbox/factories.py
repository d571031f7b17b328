"""Mail accounts, stored messages, their copies, addresses, contact links and attachments."""

import datetime as _dt

import factory
from factory.django import DjangoModelFactory

from mailbox import crypto as _mail_crypto
from mailbox.models import (
    MailAccount,
    MailFolderState,
    Message,
    MessageAddress,
    MessageAttachment,
    MessageContact,
    MessageCopy,
    OutgoingMail,
)
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.files.factories import StoredFileFactory


class MailAccountFactory(DjangoModelFactory):
    class Meta:
        model = MailAccount

    user = factory.SubFactory(UserFactory, crm_access=True)
    email = factory.Sequence(lambda n: f"ansatt{n}@firma.no")
    host = "imap.firma.no"
    username = factory.LazyAttribute(lambda o: o.email)
    password_encrypted = factory.LazyFunction(lambda: _mail_crypto.encrypt("imap-pw"))


class MailFolderStateFactory(DjangoModelFactory):
    class Meta:
        model = MailFolderState

    account = factory.SubFactory(MailAccountFactory)
    name = "INBOX"
    uidvalidity = 1


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    message_id = factory.Sequence(lambda n: f"msg{n}@example.no")
    dedupe_key = factory.LazyAttribute(lambda o: f"id:{o.message_id}")
    subject = factory.Sequence(lambda n: f"Melding {n}")
    from_address = "kunde@example.no"
    to_addresses = factory.LazyFunction(lambda: ["ansatt@firma.no"])
    sent_at = factory.Faker("date_time_this_year", tzinfo=_dt.UTC)
    text_body = "Hei"


class MessageCopyFactory(DjangoModelFactory):
    class Meta:
        model = MessageCopy

    message = factory.SubFactory(MessageFactory)
    account = factory.SubFactory(MailAccountFactory)
    folder = "INBOX"
    uid = factory.Sequence(lambda n: n + 1)


class MessageAddressFactory(DjangoModelFactory):
    class Meta:
        model = MessageAddress

    message = factory.SubFactory(MessageFactory)
    address = factory.LazyAttribute(lambda o: o.message.from_address)


class MessageContactFactory(DjangoModelFactory):
    class Meta:
        model = MessageContact

    message = factory.SubFactory(MessageFactory)
    contact = factory.SubFactory(ContactFactory)
    direction = "received"
    sent_at = factory.LazyAttribute(lambda o: o.message.sent_at)


class MessageAttachmentFactory(DjangoModelFactory):
    class Meta:
        model = MessageAttachment

    message = factory.SubFactory(MessageFactory, has_attachments=True)
    file = factory.SubFactory(StoredFileFactory)
    filename = factory.LazyAttribute(lambda o: o.file.name)
    size = factory.LazyAttribute(lambda o: o.file.size)


class OutgoingMailFactory(DjangoModelFactory):
    """A message written on the card that the worker could not send (state «failed»)."""

    class Meta:
        model = OutgoingMail

    message = factory.SubFactory(MessageFactory)
    contact = factory.SubFactory(ContactFactory)
    created_by = factory.SubFactory(UserFactory, crm_access=True)
    account = factory.SubFactory(MailAccountFactory, user=factory.SelfAttribute("..created_by"))
    from_address = factory.LazyAttribute(lambda o: o.account.email)
    recipients = factory.LazyFunction(lambda: ["kunde@example.no"])
    raw = b"Subject: Hei\r\n\r\nHei\r\n"
    state = "failed"
    attempts = 1
    error = "550 5.1.1 No such user"
