"""Writes on contacts. Every function is one transaction and validates before saving."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.signals import UPDATED, rows_written

from .customer_numbers import (
    customer_number_set,
    customer_number_taken,
    is_customer_number_clash,
    next_customer_number,
)
from .hooks import addresses_changed
from .models import Category, Contact, ContactEmail


def _set_emails(contact: Contact, emails: Iterable[str]) -> None:
    wanted = []
    for address in emails:
        address = address.strip()
        if address and address.lower() not in {w.lower() for w in wanted}:
            wanted.append(address)
    current = list(contact.emails.all())
    if [e.email for e in current] == wanted:
        return
    contact.emails.all().delete()
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=contact, email=address, position=i)
        for i, address in enumerate(wanted)
    )
    addresses_changed(contact)


_UNSET = object()


def _save(contact: Contact) -> None:
    contact.full_clean()
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as error:
        if is_customer_number_clash(error):
            raise customer_number_taken(contact.customer_number) from None
        raise


@transaction.atomic
def contact_create(
    *,
    last_name: str,
    first_name: str = "",
    emails: Iterable[str] = (),
    categories: Iterable[Category] = (),
    customer_number: int | None = None,
    **fields,
) -> Contact:
    """A new contact; with ``customer_number`` (chosen by an administrator) a private
    customer with that number, refused while a contact or company has it."""
    contact = Contact(first_name=first_name, last_name=last_name, **fields)
    if customer_number is not None:
        customer_number_set(holder=contact, number=customer_number)
    _save(contact)
    _set_emails(contact, emails)
    if categories:
        contact.categories.set(categories)
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    emails: Iterable[str] | None = None,
    categories: Iterable[Category] | None = None,
    customer_number: int | None = _UNSET,
    **fields,
) -> Contact:
    """Change the given fields; ``customer_number`` only when passed (administrators)."""
    for name, value in fields.items():
        setattr(contact, name, value)
    if customer_number is not _UNSET:
        customer_number_set(holder=contact, number=customer_number)
    _save(contact)
    if emails is not None:
        _set_emails(contact, emails)
    if categories is not None:
        contact.categories.set(categories)
    return contact


@transaction.atomic
def contact_make_customer(*, contact: Contact) -> Contact:
    """Give the contact the next customer number, once.

    The row lock makes a second press (another tab, a double click) wait for the first
    and then see its number, so a contact never takes two numbers.
    """
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.customer_number is None:
        locked.customer_number = next_customer_number()
        locked.save(update_fields=["customer_number", "updated_at"])
    contact.customer_number = locked.customer_number
    return locked


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete with what belongs to it; refused while bookkeeping records point at it."""
    try:
        contact.delete()
    except ProtectedError:
        raise ValidationError(
            _("%(name)s has orders or invoices that must be kept, and cannot be deleted.")
            % {"name": contact},
            code="protected",
        ) from None


@transaction.atomic
def contact_set_email_locked(*, contact: Contact, locked: bool) -> tuple[Contact, bool]:
    """Lock the contact's e-mail to the firm's administrators (``locked``) or open it:
    the contact as now stored, and whether this call changed it.

    The row lock makes a second call at the same moment (two administrators pressing
    at once) wait for the first and then find nothing to change, so a caller that
    records the change records it once. Who may lock, and the timeline entry, are the
    caller's (the mailbox's); the history capture leaves this field out.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.email_locked == locked:
        return contact, False
    # Only the flag and the modification time are written.
    Contact.objects.filter(pk=contact.pk).update(email_locked=locked, updated_at=timezone.now())
    rows_written(Contact, [contact.pk], UPDATED)
    contact.email_locked = locked
    return contact, True
