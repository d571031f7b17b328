"""A factory for every model. Related rows are kept consistent with SubFactory."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from factory.django import DjangoModelFactory

from companies.models import Company, CompanyLink
from contacts.models import Category, Contact, ContactEmail


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.no")
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def crm_access(self, create, extracted, **kwargs):
        """CRM access unless ``crm_access=False`` is passed."""
        if create and extracted is not False:
            self.user_permissions.add(_permission("access_crm"))

    @factory.post_generation
    def firm_admin(self, create, extracted, **kwargs):
        """``firm_admin=True``: an administrator of the firm (and of Django admin)."""
        if create and extracted:
            self.is_staff = self.is_superuser = True
            self.save(update_fields=["is_staff", "is_superuser"])
            self.user_permissions.add(_permission("administer_firm"))


def _permission(codename):
    return Permission.objects.get(content_type__app_label="contacts", codename=codename)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Kategori {n}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    mobile = factory.Sequence(lambda n: f"+4741{n % 1000000:06d}")
    city = "Oslo"
    postcode = "0150"


class ContactEmailFactory(DjangoModelFactory):
    class Meta:
        model = ContactEmail

    contact = factory.SubFactory(ContactFactory)
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.contact.last_name.lower().replace(' ', '')}{n}@example.no"
    )


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n} AS")
    org_number = "988077917"
    city = "Bergen"


class CompanyLinkFactory(DjangoModelFactory):
    class Meta:
        model = CompanyLink

    contact = factory.SubFactory(ContactFactory)
    company = factory.SubFactory(CompanyFactory)
    position = "Daglig leder"


# --- cardservices ------------------------------------------------------------------------

from cardservices.models import NumberLookup, SmsMessage  # noqa: E402


class SmsMessageFactory(DjangoModelFactory):
    class Meta:
        model = SmsMessage

    contact = factory.SubFactory(ContactFactory)
    sent_by = factory.SubFactory(UserFactory)
    to_number = factory.LazyAttribute(lambda o: str(o.contact.mobile.as_e164))
    sender_name = "CRM"
    text = "Hei! Vi minner om møtet i morgen kl. 10."
    encoding = "GSM-7"
    segments = 1
    status = SmsMessage.Status.SENT
    backend = "cardservices.sms.backends.console.SmsBackend"


class NumberLookupFactory(DjangoModelFactory):
    class Meta:
        model = NumberLookup

    contact = factory.SubFactory(ContactFactory)
    looked_up_by = factory.SubFactory(UserFactory)
    field = "mobile"
    number = factory.LazyAttribute(lambda o: o.contact.mobile.as_international)
    valid = True
    number_type = "mobile"
    region = "NO"
    carrier = "Telia"
    national = factory.LazyAttribute(lambda o: o.contact.mobile.as_national)
    international = factory.LazyAttribute(lambda o: o.contact.mobile.as_international)


# --- orders ---------------------------------------------------------------------------

from orders.models import Invoice, InvoiceCounter, Order, OrderLine  # noqa: E402


class CustomerContactFactory(ContactFactory):
    """A private customer: a contact with a customer number."""

    customer_number = factory.Sequence(lambda n: 500000 + n)


class OrderFactory(DjangoModelFactory):
    """A draft order for a private customer (pass ``company=…, contact=None`` for a firm)."""

    class Meta:
        model = Order

    contact = factory.SubFactory(CustomerContactFactory)
    company = None
    reference = "Tilbud 2026-11"


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Konsulenttime {n}")
    quantity = 2
    unit_price = "950.00"
    vat_rate = 25
    discount_percent = 0


class InvoiceCounterFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceCounter
        django_get_or_create = ["series"]

    series = "invoice"
    last_number = 0


class InvoiceFactory(DjangoModelFactory):
    """A bare invoice row; real invoices come from ``orders.services.invoice_issue``."""

    class Meta:
        model = Invoice

    number = factory.Sequence(lambda n: 900000 + n)
    order = factory.SubFactory(OrderFactory, status="invoiced")
    invoice_date = factory.Faker("date_this_year")
    due_date = factory.LazyAttribute(lambda o: o.invoice_date)
    kid = "0"
    customer_number = factory.LazyAttribute(lambda o: o.order.contact.customer_number)
    customer_name = factory.LazyAttribute(lambda o: o.order.contact.full_name)
    net_total = "0.00"
    vat_total = "0.00"
    gross_total = "0.00"


# --- files -------------------------------------------------------------------------------


class StoredFileFactory(DjangoModelFactory):
    """A stored file with real bytes in the default storage (``content`` to choose them)."""

    class Meta:
        model = "files.StoredFile"

    name = factory.Sequence(lambda n: f"dokument-{n}.txt")
    content = b"Hei fra testene.\n"
    uploader = None

    @classmethod
    def _create(cls, model_class, *args, content=b"", name="", uploader=None, **kwargs):
        from files.services import file_store

        return file_store(content=content, name=name, uploader=uploader)

    @classmethod
    def _build(cls, model_class, *args, content=b"", **kwargs):
        return model_class(*args, size=len(content), content_type="text/plain", **kwargs)


class FileLinkFactory(DjangoModelFactory):
    """A file linked to a contact (pass ``company=`` or ``project=`` and ``contact=None``)."""

    class Meta:
        model = "files.FileLink"

    file = factory.SubFactory(StoredFileFactory)
    contact = factory.SubFactory(ContactFactory)


class HistoryEntryFactory(DjangoModelFactory):
    class Meta:
        model = "history.Entry"

    contact = factory.SubFactory(ContactFactory)
    verb = "contacts.changed"
    actor_label = "factory"
    data = factory.LazyFunction(lambda: {"changes": {"city": ["Oslo", "Bergen"]}})


# --- activities: appointments, tasks, notes, projects ---------------------------------


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Project"

    name = factory.Sequence(lambda n: f"Prosjekt {n}")


def _next_full_hour():
    from django.utils import timezone

    return timezone.now().replace(minute=0, second=0, microsecond=0)


def _one_hour_later(o):
    import datetime

    return o.start_at + datetime.timedelta(hours=1)


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Appointment"

    title = factory.Sequence(lambda n: f"Møte {n}")
    start_at = factory.LazyFunction(_next_full_hour)
    end_at = factory.LazyAttribute(_one_hour_later)
    owner = factory.SubFactory(UserFactory)


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Task"

    title = factory.Sequence(lambda n: f"Oppgave {n}")


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Note"

    text = factory.Sequence(lambda n: f"Notat {n}")
    author = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory)


# --- mailbox (linked e-mail) ------------------------------------------------------------
import datetime as _dt  # noqa: E402

from mailbox import crypto as _mail_crypto  # noqa: E402
from mailbox.models import (  # noqa: E402
    MailAccount,
    MailFolderState,
    Message,
    MessageAddress,
    MessageAttachment,
    MessageContact,
    MessageCopy,
)


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
