"""Writes on orders and invoices. Each function is one transaction and checks before saving.

Status moves (draft → confirmed → invoiced, draft/confirmed → cancelled) are enforced
here and nowhere else; the order row is locked (``select_for_update``) for each move, so
two clicks at once cannot both confirm, invoice or credit the same thing.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from companies.models import Company
from contacts.models import Contact
from crm.money import kr
from crm.owners import owner_of
from files.services import file_link, file_store, stored_bytes_removed_on_error

from . import money
from .kid import kid_for
from .models import (
    FirmDetails,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    Order,
    OrderLine,
    OrderStatus,
)
from .pdf import invoice_pdf

INVOICE_SERIES = "invoice"
FIRM_DETAILS_PK = 1


def _history(order: Order, verb: str, actor, data: dict, target) -> None:
    """Put the event on the customer's timeline: the private customer's or the company's."""
    from history.services import history_record

    history_record(
        **owner_of(order, ("contact", "company")),
        verb=verb,
        actor=actor,
        actor_label="" if actor is not None else "orders",
        data=data,
        target=target,
    )


def _check_customer(customer: Contact | Company) -> None:
    if customer.customer_number is None:
        if isinstance(customer, Contact):
            raise ValidationError(
                _(
                    "%(name)s has no customer number. Give the contact a customer number "
                    "(the «+» beside the customer-number field) to make orders for them."
                ),
                code="not_customer",
                params={"name": customer.full_name},
            )
        raise ValidationError(
            _(
                "%(name)s has no customer number. Give the company a customer number "
                "before making orders for it."
            ),
            code="not_customer",
            params={"name": customer.name},
        )


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _refuse_unless(order: Order, *allowed: str, message) -> None:
    if order.status not in allowed:
        raise ValidationError(message, code="wrong_status")


def _set_lines(order: Order, lines: Iterable[dict]) -> None:
    order.lines.all().delete()
    made = []
    for position, values in enumerate(lines):
        line = OrderLine(order=order, position=position, **values)
        line.full_clean(exclude=["order"])
        made.append(line)
    OrderLine.objects.bulk_create(made)
    totals = money.totals(made)
    order.net_total, order.vat_total, order.gross_total = totals.net, totals.vat, totals.gross


@transaction.atomic
def order_create(
    *,
    customer: Contact | Company,
    lines: Iterable[dict],
    order_date: date | None = None,
    reference: str = "",
    actor=None,
) -> Order:
    """A draft order for a customer (a company or a contact with a customer number)."""
    _check_customer(customer)
    order = Order(
        contact=customer if isinstance(customer, Contact) else None,
        company=customer if isinstance(customer, Company) else None,
        date=order_date or timezone.localdate(),
        reference=reference,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    order.full_clean()
    order.save()
    _set_lines(order, lines)
    order.save(update_fields=["net_total", "vat_total", "gross_total", "updated_at"])
    _history(
        order,
        "orders.created",
        actor,
        {"number": order.pk, "amount": str(order.gross_total)},
        order,
    )
    return order


@transaction.atomic
def order_update(
    *, order: Order, lines: Iterable[dict], order_date: date, reference: str = ""
) -> Order:
    locked = _lock(order)
    _refuse_unless(locked, OrderStatus.DRAFT, message=_("Only a draft order can be changed."))
    locked.date, locked.reference = order_date, reference
    locked.full_clean()
    _set_lines(locked, lines)
    locked.save()
    return locked


@transaction.atomic
def order_recalculate(*, order: Order) -> Order:
    """Write the totals again from the lines (after Django admin has edited them)."""
    locked = _lock(order)
    totals = locked.totals()
    locked.net_total, locked.vat_total, locked.gross_total = totals.net, totals.vat, totals.gross
    locked.save(update_fields=["net_total", "vat_total", "gross_total", "updated_at"])
    return locked


@transaction.atomic
def order_confirm(*, order: Order, actor=None) -> Order:
    locked = _lock(order)
    _refuse_unless(locked, OrderStatus.DRAFT, message=_("Only a draft order can be confirmed."))
    if not locked.lines.exists():
        raise ValidationError(_("An order needs at least one line."), code="no_lines")
    locked.status = OrderStatus.CONFIRMED
    locked.save(update_fields=["status", "updated_at"])
    _history(
        locked,
        "orders.confirmed",
        actor,
        {"number": locked.pk, "amount": str(locked.gross_total)},
        locked,
    )
    return locked


@transaction.atomic
def order_cancel(*, order: Order, actor=None) -> Order:
    locked = _lock(order)
    _refuse_unless(
        locked,
        OrderStatus.DRAFT,
        OrderStatus.CONFIRMED,
        message=_("An invoiced or cancelled order cannot be cancelled."),
    )
    locked.status = OrderStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    return locked


def next_invoice_number(series: str = INVOICE_SERIES) -> int:
    """The next number of the series. Call inside the transaction that saves the invoice.

    The counter row is created on first use (``ON CONFLICT DO NOTHING``, which waits for a
    concurrent creator) and then locked: concurrent invoicings queue on the lock, and a
    rollback gives the number back, so the series has neither gaps nor duplicates.
    """
    InvoiceCounter.objects.bulk_create(
        [InvoiceCounter(series=series, last_number=0)], ignore_conflicts=True
    )
    counter = InvoiceCounter.objects.select_for_update().get(series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def firm_details() -> FirmDetails | None:
    """The firm's details as a seller, or None before an administrator has entered them."""
    return FirmDetails.objects.select_related("logo").filter(pk=FIRM_DETAILS_PK).first()


@transaction.atomic
def firm_details_save(*, values: dict, logo=None, remove_logo: bool = False, actor=None):
    """Write the firm's details (one row). ``logo``: an uploaded image, already checked by
    the form, stored in the file storage the file area uses."""
    details = FirmDetails.objects.select_for_update().filter(pk=FIRM_DETAILS_PK).first()
    details = details or FirmDetails(pk=FIRM_DETAILS_PK)
    for name, value in values.items():
        setattr(details, name, value)
    if remove_logo:
        details.logo = None
    if logo is not None:
        details.logo = file_store(
            content=logo, name=logo.name, uploader=actor, max_size=LOGO_MAX_BYTES
        )
    details.full_clean()
    details.save()
    return details


LOGO_MAX_BYTES = 1024 * 1024


def _require_firm_details() -> FirmDetails:
    details = firm_details()
    if details is None:
        raise ValidationError(
            _(
                "The firm's own details (name, address, organisation number, bank account) "
                "are missing. An administrator must enter them before the first invoice."
            ),
            code="no_firm_details",
        )
    return details


def _seller_snapshot(details: FirmDetails) -> dict:
    return {
        "seller_name": details.name,
        "seller_address": details.address,
        "seller_org_number": details.org_number,
        "seller_in_register": details.in_register,
        "seller_vat_registered": details.vat_registered,
        "seller_bank_account": details.bank_account,
        "seller_iban": details.iban,
        "seller_bic": details.bic,
        "seller_email": details.invoice_email,
        "seller_logo": details.logo,
    }


SELLER_FIELDS = [
    "seller_name",
    "seller_address",
    "seller_org_number",
    "seller_in_register",
    "seller_vat_registered",
    "seller_bank_account",
    "seller_iban",
    "seller_bic",
    "seller_email",
    "seller_logo",
]


def _customer_address(customer) -> str:
    place = f"{customer.postcode} {customer.city}".strip()
    return "\n".join(part for part in [customer.street_address, place] if part)


@transaction.atomic
def invoice_issue(*, order: Order, actor=None, invoice_date: date | None = None) -> Invoice:
    """Invoice a confirmed order: the next invoice number, due date, KID."""
    locked = _lock(order)
    _refuse_unless(
        locked, OrderStatus.CONFIRMED, message=_("Only a confirmed order can be invoiced.")
    )
    customer = locked.customer
    _check_customer(customer)
    seller = _require_firm_details()
    invoice_date = invoice_date or timezone.localdate()
    number = next_invoice_number()
    totals = locked.totals()
    invoice = Invoice(
        kind=InvoiceKind.INVOICE,
        number=number,
        order=locked,
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=seller.payment_terms_days),
        kid=kid_for(customer_number=customer.customer_number, invoice_number=number),
        customer_number=customer.customer_number,
        customer_name=locked.customer_name,
        customer_address=_customer_address(customer),
        customer_org_number=getattr(customer, "org_number", ""),
        delivery_date=locked.date,
        **_seller_snapshot(seller),
        net_total=totals.net,
        vat_total=totals.vat,
        gross_total=totals.gross,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    invoice.full_clean(exclude=["number"])
    invoice.save()
    locked.status = OrderStatus.INVOICED
    locked.save(update_fields=["status", "updated_at"])
    _history(
        locked,
        "orders.invoiced",
        actor,
        {"number": number, "order": locked.pk, "amount": str(invoice.gross_total)},
        invoice,
    )
    return invoice


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, actor=None, credit_date: date | None = None) -> Invoice:
    """A credit note for the whole invoice, numbered in the same gap-free series."""
    locked = Invoice.objects.select_for_update().select_related("order").get(pk=invoice.pk)
    if locked.is_credit_note:
        raise ValidationError(_("A credit note cannot be credited."), code="is_credit_note")
    if Invoice.objects.filter(credited_invoice=locked).exists():
        raise ValidationError(
            _("Invoice %(number)s has already been credited."),
            code="already_credited",
            params={"number": locked.number},
        )
    credit_date = credit_date or timezone.localdate()
    number = next_invoice_number()
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        number=number,
        order=locked.order,
        credited_invoice=locked,
        invoice_date=credit_date,
        due_date=credit_date,
        kid=kid_for(customer_number=locked.customer_number, invoice_number=number),
        customer_number=locked.customer_number,
        customer_name=locked.customer_name,
        customer_address=locked.customer_address,
        customer_org_number=locked.customer_org_number,
        delivery_date=locked.delivery_date,
        # The credit note mirrors the invoice it cancels, seller included.
        **{name: getattr(locked, name) for name in SELLER_FIELDS},
        net_total=-locked.net_total,
        vat_total=-locked.vat_total,
        gross_total=-locked.gross_total,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    note.full_clean(exclude=["number"])
    note.save()
    _history(
        locked.order,
        "orders.credited",
        actor,
        {"number": number, "invoice": locked.number, "amount": str(note.gross_total)},
        note,
    )
    return note


def customer_invoice_email(invoice: Invoice) -> str:
    """Where the invoice goes: the company's e-mail, or the private customer's first
    address."""
    order = invoice.order
    if order.company_id:
        return order.company.email
    first = order.contact.emails.order_by("position", "id").first()
    return first.email if first else ""


def _file_place(order: Order) -> dict:
    return {"contact": order.contact} if order.contact_id else {"company": order.company}


@transaction.atomic
def invoice_pdf_save(*, invoice: Invoice, actor=None) -> Invoice:
    """Make the invoice's PDF once and keep it in the customer's file area (the card's or
    the company's «Filer»), recorded in the history. Later calls return the same file."""
    locked = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("order", "order__contact", "order__company", "credited_invoice")
        .get(pk=invoice.pk)
    )
    if locked.pdf_id is not None:
        return locked
    with stored_bytes_removed_on_error():
        stored = file_store(content=invoice_pdf(locked), name=locked.pdf_name, uploader=actor)
        file_link(file=stored, actor=actor, verb="orders.pdf_saved", **_file_place(locked.order))
        locked.pdf = stored
        locked.save(update_fields=["pdf", "updated_at"])
    return locked


class SendRefused(ValidationError):
    pass


def invoice_send(*, invoice: Invoice, actor=None, connection=None) -> Invoice:
    """E-mail the invoice's PDF to the customer through Django's configured mailer.

    Not inside a transaction, on purpose: the PDF is saved (and committed) first, the
    mail is handed to the mail server after that, and only when the server has accepted
    it is the invoice marked as sent and the sending recorded. A mail never leaves for an
    invoice a rollback would take back, and nothing says «sent» that was not accepted.
    """
    recipient = customer_invoice_email(invoice)
    if not recipient:
        raise SendRefused(
            _("%(name)s has no e-mail address to send the invoice to."),
            code="no_recipient",
            params={"name": invoice.customer_name},
        )
    # durable: refused inside another transaction, so the PDF and its file link are
    # committed here, before the mail leaves (Django's test cases are allowed around it).
    with transaction.atomic(durable=True):
        saved = invoice_pdf_save(invoice=invoice, actor=actor)
    with default_storage.open(saved.pdf.key, "rb") as handle:
        content = handle.read()
    if saved.is_credit_note:
        subject = _("Credit note %(number)s from %(seller)s")
        body = _(
            "Hello,\n\nAttached is credit note %(number)s from %(seller)s.\n\n"
            "Best regards\n%(seller)s\n"
        )
    else:
        subject = _("Invoice %(number)s from %(seller)s")
        body = _(
            "Hello,\n\nAttached is invoice %(number)s from %(seller)s, due %(due)s.\n"
            "Please pay %(amount)s to account %(account)s with KID %(kid)s.\n\n"
            "Best regards\n%(seller)s\n"
        )
    with override("nb"):
        params = {
            "number": saved.number,
            "seller": saved.seller_name,
            "due": date_format(saved.due_date, "SHORT_DATE_FORMAT"),
            "amount": kr(saved.gross_total),
            "account": saved.seller_account_text,
            "kid": saved.kid,
        }
        message = EmailMessage(
            subject=str(subject) % params,
            body=str(body) % params,
            from_email=saved.seller_email or settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
            reply_to=[saved.seller_email] if saved.seller_email else None,
            connection=connection,
        )
    message.attach(saved.pdf_name, content, "application/pdf")
    try:
        accepted = message.send()
    except (OSError, smtplib.SMTPException) as error:
        raise SendRefused(
            _("The mail server did not take the invoice: %(reason)s"),
            code="mailer_failed",
            params={"reason": str(error) or error.__class__.__name__},
        ) from error
    if accepted != 1:
        raise SendRefused(_("The mail server did not take the invoice."), code="mailer_failed")
    return _invoice_mark_sent(invoice=saved, recipient=recipient, actor=actor)


@transaction.atomic(durable=True)
def _invoice_mark_sent(*, invoice: Invoice, recipient: str, actor=None) -> Invoice:
    locked = (
        Invoice.objects.select_for_update(of=("self",)).select_related("order").get(pk=invoice.pk)
    )
    locked.sent_at = timezone.now()
    locked.sent_to = recipient
    locked.save(update_fields=["sent_at", "sent_to", "updated_at"])
    _history(
        locked.order,
        "orders.sent",
        actor,
        {"number": locked.number, "to": recipient},
        locked,
    )
    return locked
