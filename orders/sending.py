"""Sending an invoice: to whom, the mail with its PDF, and marking it sent once the mail
server has taken it."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from crm.money import kr

from .invoicing import invoice_pdf_save
from .models import Invoice
from .services import order_history


def customer_invoice_email(invoice: Invoice) -> str:
    """Where the invoice goes: the company's e-mail, or the private customer's first
    address."""
    order = invoice.order
    if order.company_id:
        return order.company.email
    first = order.contact.emails.order_by("position", "id").first()
    return first.email if first else ""


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
    order_history(
        locked.order,
        "orders.sent",
        actor,
        {"number": locked.number, "to": recipient},
        locked,
    )
    return locked
