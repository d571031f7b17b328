"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError
from django.forms import DateInput, Form, ModelChoiceField, ModelMultipleChoiceField
from django.utils.translation import gettext_lazy as _

from .users import display_name


def apply_validation_error(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def date_input(**attrs) -> DateInput:
    """Every date field's widget: the browser's date picker, which takes and gives ISO
    dates and shows them in the user's locale (dd.mm.åååå in Norwegian); dd.mm.åååå typed
    where no picker is shown still parses (DATE_INPUT_FORMATS)."""
    return DateInput(attrs={"type": "date", "autocomplete": "off", **attrs}, format="%Y-%m-%d")


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


class UserChoiceField(ModelChoiceField):
    """A choice of user, each named as pages name them (:func:`crm.users.display_name`):
    «Kari Nordmann», not the login name «kari». ModelForms take it for a user field
    with ``Meta.field_classes``; Django admin gets it from crm.admin_users. An optional
    one (an owner, an assignee) offers «(ingen)» for no one."""

    def __init__(self, *args, **kwargs):
        if not kwargs.get("required", True):
            kwargs.setdefault("empty_label", _("(nobody)"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return display_name(obj)


class UserMultipleChoiceField(ModelMultipleChoiceField):
    """Several users, named like :class:`UserChoiceField`."""

    def label_from_instance(self, obj):
        return display_name(obj)
