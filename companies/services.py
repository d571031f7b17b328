"""Writes on companies and on the links between people and companies."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from contacts.customer_numbers import (
    customer_number_set,
    customer_number_taken,
    is_customer_number_clash,
    next_customer_number,
)
from contacts.models import Category, Contact

from .models import Company, CompanyLink

_UNSET = object()


def _save(company: Company) -> None:
    company.full_clean()
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as error:
        if is_customer_number_clash(error):
            raise customer_number_taken(company.customer_number) from None
        raise


@transaction.atomic
def company_create(
    *,
    name: str,
    categories: Iterable[Category] = (),
    customer_number: int | None = None,
    **fields,
) -> Company:
    """A new company; with ``customer_number`` (chosen by an administrator) a customer with
    that number, refused while a contact or company has it."""
    company = Company(name=name, **fields)
    if customer_number is not None:
        customer_number_set(holder=company, number=customer_number)
    _save(company)
    if categories:
        company.categories.set(categories)
    return company


@transaction.atomic
def company_update(
    *,
    company: Company,
    categories: Iterable[Category] | None = None,
    customer_number: int | None = _UNSET,
    **fields,
) -> Company:
    """Change the given fields; ``customer_number`` only when passed (administrators)."""
    for name, value in fields.items():
        setattr(company, name, value)
    if customer_number is not _UNSET:
        customer_number_set(holder=company, number=customer_number)
    _save(company)
    if categories is not None:
        company.categories.set(categories)
    return company


@transaction.atomic
def company_make_customer(*, company: Company) -> Company:
    """Give the company the next number of the series it shares with private customers."""
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if locked.customer_number is None:
        locked.customer_number = next_customer_number()
        locked.save(update_fields=["customer_number", "updated_at"])
    company.customer_number = locked.customer_number
    return locked


@transaction.atomic
def company_delete(*, company: Company) -> None:
    """Delete with what belongs to it; refused while bookkeeping records point at it."""
    try:
        company.delete()
    except ProtectedError:
        raise ValidationError(
            _("%(name)s has orders or invoices that must be kept, and cannot be deleted.")
            % {"name": company},
            code="protected",
        ) from None


@transaction.atomic
def company_link_contact(*, contact: Contact, company: Company, **details) -> CompanyLink:
    """Link a person to a company. Refused while a current link between them exists."""
    if CompanyLink.objects.current().filter(contact=contact, company=company).exists():
        raise _already_linked(contact, company)
    link = CompanyLink(contact=contact, company=company, **details)
    link.full_clean()
    _save_open_link(link)
    return link


@transaction.atomic
def company_link_update(*, link: CompanyLink, **details) -> CompanyLink:
    for name, value in details.items():
        setattr(link, name, value)
    link.full_clean()
    _save_open_link(link)
    return link


def _save_open_link(link: CompanyLink) -> None:
    """Save; two requests opening a link between the same two at once (a new link, a
    former one reopened) both pass the checks above, and the partial unique index decides."""
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise _already_linked(link.contact, link.company) from None


def _already_linked(contact: Contact, company: Company) -> ValidationError:
    return ValidationError(
        _("%(contact)s is already linked to %(company)s.")
        % {"contact": contact, "company": company},
        code="already_linked",
    )


@transaction.atomic
def company_link_delete(*, link: CompanyLink) -> None:
    link.delete()
