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
