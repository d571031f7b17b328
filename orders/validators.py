"""The firm's payment details, checked with python-stdnum before they reach an invoice."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import bic, iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import kontonr


def clean_bank_account(value: str) -> str:
    """Eleven digits with a valid mod-11 check digit; «1234 56 78903» and «1234.56.78903»
    are read as typed. Returns the bare digits."""
    try:
        return kontonr.validate(value)
    except StdnumError:
        raise ValidationError(
            _("«%(value)s» is not a valid Norwegian bank account number (11 digits)."),
            code="invalid_account",
            params={"value": value},
        ) from None


def clean_iban(value: str) -> str:
    if not value:
        return ""
    try:
        return iban.validate(value)
    except StdnumError:
        raise ValidationError(
            _("«%(value)s» is not a valid IBAN."), code="invalid_iban", params={"value": value}
        ) from None


def clean_bic(value: str) -> str:
    if not value:
        return ""
    try:
        return bic.validate(value)
    except StdnumError:
        raise ValidationError(
            _("«%(value)s» is not a valid BIC (SWIFT code)."),
            code="invalid_bic",
            params={"value": value},
        ) from None


def validate_bank_account(value: str) -> None:
    clean_bank_account(value)


def validate_iban(value: str) -> None:
    clean_iban(value)


def validate_bic(value: str) -> None:
    clean_bic(value)
