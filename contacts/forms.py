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


class ContactForm(AddressFormMixin, forms.ModelForm):
    country = country_field()
    customer_number = customer_number_field()
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
            "categories": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"owner": UserChoiceField}

    def __init__(self, *args, may_set_customer_number: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_address(may_set_customer_number=may_set_customer_number)
        if self.instance.pk and not self.is_bound:
            self.initial["emails"] = [e.email for e in self.instance.emails.all()]
        self.fields["categories"].queryset = Category.objects.order_by("name")
        # «Eier» is picked by search (crm/user_picker.py, shown by the template): new owners
        # only among active users with CRM access; the owner it has is kept, even one who left.
        self.fields["owner"].queryset = crm_users(keep=self.instance.owner_id)
        self.fields["last_name"].error_messages["required"] = _("A contact needs a last name.")
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        set_phone_messages(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
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
            Fieldset(
                _("Postal address"),
                "street_address",
                Row(
                    Column("postcode", css_class="col-md-3"),
                    Column("city", css_class="col-md-5"),
                    Column("country", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("More"),
                Row(Column("customer_number", css_class="col-md-4")),
                "categories",
                "notes",
            ),
        )

    def clean_last_name(self):
        value = self.cleaned_data["last_name"].strip()
        if not value:
            raise ValidationError(_("A contact needs a last name."), code="required")
        return value


class ConfirmForm(forms.Form):
    """An empty form: a POST with its CSRF token confirms the action."""
