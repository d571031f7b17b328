"""The firm's own details as a seller (one row): read, written, required before an invoice,
and the snapshot of them an invoice keeps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from files.services import file_store

from .models import FirmDetails

FIRM_DETAILS_PK = 1
LOGO_MAX_BYTES = 1024 * 1024


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


def require_firm_details() -> FirmDetails:
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


def seller_snapshot(details: FirmDetails) -> dict:
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
