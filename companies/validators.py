from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr


def validate_orgnr(value: str) -> None:
    """Norwegian organisation number: nine digits with a valid mod-11 check digit."""
    if not value:
        return
    try:
        orgnr.validate(value)
    except StdnumError:
        raise ValidationError(
            _("«%(value)s» is not a valid Norwegian organisation number."),
            code="invalid_orgnr",
            params={"value": value},
        ) from None
