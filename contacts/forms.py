from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from crm.forms import UserChoiceField, set_phone_messages
from crm.user_picker import crm_users

from .addresses import AddressFormMixin, country_field, customer_number_field
from .models import Category, Contact


class MultiEmailField(forms.CharField):
    """One or more e-mail addresses, separated by commas, semicolons or new lines."""

    widget = forms.TextInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        parts = value.replace(";", ",").replace("\n", ",").split(",")
        return [part.strip() for part in parts if part.strip()]

    def validate(self, value):
        super().validate(value)
        for address in value:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    _("«%(value)s» is not a valid e-mail address."),
                    code="invalid",
                    params={"value": address},
                ) from None
            if len(address) > 254:
                raise ValidationError(_("An e-mail address can be at most 254 characters."))

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


class CardForm(AddressFormMixin, forms.ModelForm):
    """What the contact and the company forms share: categories as boxes, «Eier» on the
    user picker, the phone messages, the address and customer-number rules
    (:class:`~contacts.addresses.AddressFormMixin`), a crispy helper without a form tag. A
    subclass names the field the card cannot be without and what to say then."""

    country = country_field()
    customer_number = customer_number_field()

    name_field: str
    name_required: str

    class Meta:
        widgets = {"categories": forms.CheckboxSelectMultiple}
        field_classes = {"owner": UserChoiceField}

    def __init__(self, *args, may_set_customer_number: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_address(may_set_customer_number=may_set_customer_number)
        self.fields["categories"].queryset = Category.objects.order_by("name")
        # «Eier» is picked by search (crm/user_picker.py, shown by the template): new owners
        # only among active users with CRM access; the owner it has is kept, even one who left.
        self.fields["owner"].queryset = crm_users(keep=self.instance.owner_id)
        self.fields[self.name_field].error_messages["required"] = self.name_required
        set_phone_messages(self)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_required_name(self):
        value = self.cleaned_data[self.name_field].strip()
        if not value:
            raise ValidationError(self.name_required, code="required")
        return value


def address_fieldset(legend) -> Fieldset:
    return Fieldset(
        legend,
        "street_address",
        Row(
            Column("postcode", css_class="col-md-3"),
            Column("city", css_class="col-md-5"),
            Column("country", css_class="col-md-4"),
        ),
    )


class ContactForm(CardForm):
    emails = MultiEmailField(
        label=_("E-mail"),
        required=False,
        max_length=2000,
        help_text=_("Several addresses? Separate them with commas. The first is the main one."),
    )

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "emails",
            "mobile",
            "work_phone",
            "private_phone",
            "street_address",
            "postcode",
            "city",
            "country",
            "website",
            "categories",
            "owner",
            "notes",
        ]
        widgets = {
            **CardForm.Meta.widgets,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = CardForm.Meta.field_classes

    name_field = "last_name"
    name_required = _("A contact needs a last name.")
    clean_last_name = CardForm.clean_required_name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["emails"] = [e.email for e in self.instance.emails.all()]
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.helper.layout = Layout(
            Fieldset(
                _("Name"),
                Row(
                    Column("first_name", css_class="col-md-6"),
                    Column("last_name", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                _("Reach"),
                "emails",
                Row(
                    Column("mobile", css_class="col-md-4"),
                    Column("work_phone", css_class="col-md-4"),
                    Column("private_phone", css_class="col-md-4"),
                ),
                "website",
            ),
            address_fieldset(_("Postal address")),
            Fieldset(
                _("More"),
                Row(Column("customer_number", css_class="col-md-4")),
                "categories",
                "notes",
            ),
        )


class ConfirmForm(forms.Form):
    """An empty form: a POST with its CSRF token confirms the action."""
