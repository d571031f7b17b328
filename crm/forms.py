"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError
from django.forms import Form
from django.utils.translation import gettext_lazy as _


def apply_validation_error(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


PHONE_INVALID = _(
    "Enter a valid phone number, e.g. 412 34 567, or a number with a country code such as +46 8 123 456."
)


def set_phone_messages(form: Form) -> None:
    """A clear, translated message on every phone field (the library's own has no Norwegian)."""
    from phonenumber_field.formfields import PhoneNumberField

    for field in form.fields.values():
        if isinstance(field, PhoneNumberField):
            field.error_messages["invalid"] = PHONE_INVALID
            field.widget.attrs.setdefault("inputmode", "tel")
            field.widget.attrs.setdefault("autocomplete", "tel")
