from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from contacts.forms import CardForm, address_fieldset
from contacts.models import Contact
from crm.forms import date_input, set_phone_messages

from .models import Company, CompanyLink


class CompanyForm(CardForm):
    org_number = forms.CharField(
        label=_("Organisation number"),
        required=False,
        max_length=20,
        help_text=_("Nine digits, e.g. 988 077 917."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "org_number",
            "phone",
            "email",
            "website",
            "street_address",
            "postcode",
            "city",
            "country",
            "categories",
            "owner",
        ]
        widgets = CardForm.Meta.widgets
        field_classes = CardForm.Meta.field_classes

    name_field = "name"
    name_required = _("A company needs a name.")
    clean_name = CardForm.clean_required_name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.org_number and not self.is_bound:
            self.initial["org_number"] = orgnr.format(self.instance.org_number)
        self.helper.layout = Layout(
            Fieldset(
                _("Company"),
                Row(
                    Column("name", css_class="col-md-8"),
                    Column("org_number", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Reach"),
                Row(Column("phone", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                "website",
            ),
            address_fieldset(_("Address")),
            Fieldset(
                _("More"), Row(Column("customer_number", css_class="col-md-4")), "categories"
            ),
        )

    def clean_org_number(self):
        value = orgnr.compact(self.cleaned_data["org_number"] or "")
        if value and not orgnr.is_valid(value):
            raise ValidationError(
                _("«%(value)s» is not a valid Norwegian organisation number."),
                code="invalid_orgnr",
                params={"value": self.cleaned_data["org_number"]},
            )
        return value


class CompanyLinkForm(forms.ModelForm):
    """The details of one person's link to one company."""

    class Meta:
        model = CompanyLink
        fields = ["position", "work_phone", "mobile", "email", "start_date", "end_date"]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
        }
        help_texts = {"end_date": _("Set when the person has left: the link is kept as former.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_phone_messages(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "position",
            Row(
                Column("work_phone", css_class="col-md-4"),
                Column("mobile", css_class="col-md-4"),
                Column("email", css_class="col-md-4"),
            ),
            Row(
                Column("start_date", css_class="col-md-6"),
                Column("end_date", css_class="col-md-6"),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


def _mark_messages(message) -> dict:
    """One message for a mark that is missing or names nothing that exists (a crafted id)."""
    return {"required": message, "invalid_choice": message}


class PickCompanyForm(forms.Form):
    """«Legg til» in «Velg bedrift»: the company marked in the list."""

    company = forms.ModelChoiceField(
        queryset=Company.objects.all(),
        error_messages=_mark_messages(_("Mark a company in the list first.")),
    )


class PickContactForm(forms.Form):
    """«Legg til» in «Koble person»: the person marked in the list."""

    contact = forms.ModelChoiceField(
        queryset=Contact.objects.all(),
        error_messages=_mark_messages(_("Mark a person in the list first.")),
    )
