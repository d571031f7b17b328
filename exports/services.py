"""Every write of the exports app: the record of an export, and the erasure of a person.

Erasure (GDPR art. 17) keeps what the bookkeeping rules demand and nothing else:

- an invoice (or credit note) is primary documentation, kept for five years after the end
  of its financial year (bokføringsloven § 13, bokføringsforskriften § 5-1-1). Within
  that time it keeps its legal minimum: number, dates, KID, the buyer's name, address and
  customer number as issued, the lines and the amounts; its order's own reference is
  cleared. Past that time its buyer's name and address are anonymised.
- everything else about the person goes: the card's data, e-mail addresses, categories,
  company links, notes on the card, appointments and tasks that concern no one else
  (those that do lose the person), messages linked to no one else, files linked nowhere
  else, SMS and number look-ups, orders that were never invoiced, and the whole timeline
  with its capture snapshots (``history_*event``), which hold every earlier value.
- when invoices are kept their orders must point at a customer, so the contact row stays
  as an anonymised placeholder («Slettet person») whose timeline holds one entry: that
  the data was erased, by whom and when. Otherwise the contact is deleted. Either way an
  :class:`~exports.models.Erasure` row records the erasure, without personal data.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Appointment, Note, Project, Task
from companies.models import CompanyLink
from contacts import hooks as contact_hooks
from contacts.models import Contact, ContactEmail
from files.models import FileLink, StoredFile
from history.models import Entry
from history.services import history_record
from mailbox.models import Message, MessageAttachment, MessageContact
from orders.models import Invoice, Order

from .models import Erasure, ExportLog

# What the placeholder of an erased person that invoices still point at is called.
ERASED_NAME = "Slettet person"
ANONYMISED = "Anonymisert"
# Years after the end of the invoice's financial year that bookkeeping keeps it.
RETENTION_YEARS = 5


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def export_log_start(*, actor, kind: str, scope: str, format: str, parameters: dict) -> ExportLog:
    log = ExportLog(
        actor=_actor(actor), kind=kind, scope=scope, format=format, parameters=parameters
    )
    log.full_clean()
    log.save()
    return log


def export_log_finish(*, log: ExportLog, rows: int) -> None:
    ExportLog.objects.filter(pk=log.pk).update(rows=rows)


@transaction.atomic
def contact_export_record(*, contact: Contact, actor, format: str) -> Entry:
    """«Eksportert av …» on the person's timeline (one contact exported on its own)."""
    return history_record(
        contact=contact, verb="exports.exported", actor=actor, data={"format": format}
    )


@transaction.atomic
def personal_data_export_record(*, contact: Contact, actor) -> Entry:
    return history_record(contact=contact, verb="exports.personal_data_exported", actor=actor)


def retained_until(invoice_date: dt.date) -> dt.date:
    """The first day an invoice of ``invoice_date`` need no longer be kept."""
    return dt.date(invoice_date.year + RETENTION_YEARS + 1, 1, 1)


def invoices_to_keep(contact: Contact, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    first_kept_year = today.year - RETENTION_YEARS
    invoices = Invoice.objects.filter(order__contact=contact)
    return invoices.filter(invoice_date__year__gte=first_kept_year)


@transaction.atomic
def contact_erase(*, contact: Contact, actor, today: dt.date | None = None) -> Erasure:
    """Erase the person (see the module docstring). Returns the record of the erasure."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    today = today or timezone.localdate()
    contact_id = contact.pk
    invoices = Invoice.objects.filter(order__contact=contact)
    kept = invoices_to_keep(contact, today=today)
    kept_count = kept.count()
    # Past their retention: the buyer anonymised. Within it: the legal minimum, as issued.
    invoices.exclude(pk__in=kept.values("pk")).update(
        customer_name=ANONYMISED, customer_address=""
    )
    Order.objects.filter(contact=contact, invoices__isnull=False).update(reference="")
    Order.objects.filter(contact=contact, invoices__isnull=True).delete()

    _erase_activities(contact)
    _erase_mail(contact)
    _erase_files(contact)
    CompanyLink.objects.filter(contact=contact).delete()

    if not invoices.exists():
        contact.delete()  # its timeline and snapshots go with it (history triggers)
    else:
        ContactEmail.objects.filter(contact=contact).delete()
        contact.categories.clear()
        Contact.objects.filter(pk=contact_id).update(
            first_name="",
            last_name=ERASED_NAME,
            mobile="",
            work_phone="",
            private_phone="",
            street_address="",
            postcode="",
            city="",
            website="",
            notes="",
            owner=None,
            email_locked=False,
        )
        for model in (contact.sms_messages.model, contact.number_lookups.model):
            model.objects.filter(contact_id=contact_id).delete()
        _erase_timeline(contact_id)
        history_record(contact=contact_id, verb="exports.erased", actor=actor)
    contact_hooks.erased(contact_id)
    erasure = Erasure(actor=_actor(actor), contact_id=contact_id, kept_invoices=kept_count)
    erasure.full_clean()
    erasure.save()
    return erasure


def _erase_activities(contact: Contact) -> None:
    """Appointments and tasks about the person alone go; shared ones lose the person.
    Notes on the card go; notes elsewhere lose the person as a contact person."""
    for model in (Appointment, Task):
        mine = model.contacts.through.objects.filter(contact=contact).values(
            model._meta.model_name
        )
        # Counted apart from the filter on the person, which would count the person alone.
        alone = (
            model.objects.filter(pk__in=mine)
            .annotate(people=Count("contacts"))
            .filter(people=1, company__isnull=True)
        )
        model.objects.filter(pk__in=list(alone.values_list("pk", flat=True))).delete()
        model.contacts.through.objects.filter(contact=contact).delete()
    Note.objects.filter(contact=contact).delete()
    Note.contact_persons.through.objects.filter(contact=contact).delete()
    Project.participants.through.objects.filter(contact=contact).delete()


def _erase_mail(contact: Contact) -> None:
    """Messages linked to no one else go (with their attachments' bytes when nothing
    else refers to them); the person's links to shared ones go."""
    links = MessageContact.objects.filter(contact=contact)
    alone = (
        Message.objects.filter(pk__in=links.values("message_id"))
        .annotate(people=Count("links"))
        .filter(people=1)
    )
    alone_ids = list(alone.values_list("pk", flat=True))
    file_ids = list(
        MessageAttachment.objects.filter(message_id__in=alone_ids).values_list(
            "file_id", flat=True
        )
    )
    links.delete()
    Message.objects.filter(pk__in=alone_ids).delete()
    _delete_orphan_files(file_ids)


def _erase_files(contact: Contact) -> None:
    links = FileLink.objects.filter(contact=contact)
    file_ids = list(links.values_list("file_id", flat=True))
    links.delete()
    _delete_orphan_files(file_ids)


def _delete_orphan_files(file_ids) -> None:
    orphans = StoredFile.objects.filter(pk__in=file_ids).exclude(
        Q(pk__in=FileLink.objects.values("file_id"))
        | Q(pk__in=MessageAttachment.objects.values("file_id"))
    )
    for file in orphans:
        key = file.key
        file.delete()
        transaction.on_commit(partial(default_storage.delete, key))


def _erase_timeline(contact_id: int) -> None:
    """What the contact's delete trigger does (history/triggers.py), for a contact that
    stays: its timeline, the entries naming it on companies, and every capture
    snapshot of it and of its e-mail addresses, categories and company links."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM history_entry WHERE contact_id = %s", [contact_id])
        cursor.execute(
            """
            DELETE FROM history_entry e
            WHERE e.company_id IN (SELECT l.company_id FROM history_companylinkevent l
                                   WHERE l.contact_id = %s)
              AND e.target_type_id = (SELECT t.id FROM django_content_type t
                                      WHERE t.app_label = 'contacts' AND t.model = 'contact')
              AND e.target_id = %s::text
            """,
            [contact_id, contact_id],
        )
        for table, column in (
            ("history_contactevent", "pgh_obj_id"),
            ("history_contactemailevent", "contact_id"),
            ("history_contactcategoryevent", "contact_id"),
            ("history_companylinkevent", "contact_id"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [contact_id])


def erasure_preview(*, contact: Contact, today: dt.date | None = None) -> dict:
    """What the confirmation page says: how many invoices are kept, and whether the
    card stays as a placeholder."""
    invoices = Invoice.objects.filter(order__contact=contact)
    kept = invoices_to_keep(contact, today=today).count()
    total = invoices.count()
    return {
        "kept_invoices": kept,
        "anonymised_invoices": total - kept,
        "placeholder": total > 0,
        "placeholder_name": ERASED_NAME,
        "message": _("Invoices are kept for five years after the end of their financial year."),
    }
