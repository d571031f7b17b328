import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from crm.forms import date_input
from crm.money import MoneyField, QuantityField

from . import validators
from .models import VAT_CHOICES, FirmDetails, Order, OrderLine, vat_from_code
from .seller import LOGO_MAX_BYTES


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["date", "reference"]
        widgets = {"date": date_input()}
        help_texts = {"reference": _("The customer's reference or order number, if any.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Row(Column("date", css_class="col-md-3"), Column("reference")))


# Amounts and quantities typed the Norwegian way («1 249,50»): the order form and admin.
LINE_FIELD_CLASSES = {
    "quantity": QuantityField,
    "unit_price": MoneyField,
    "discount_percent": QuantityField,
}


class OrderLineForm(forms.ModelForm):
    """One line. An untouched extra line (only its defaults) is skipped, not an error.

    VAT is one choice, a rate or «exempt» (``VAT_CHOICES``), stored as ``vat_rate`` and
    ``vat_exempt``; a new line starts at the firm's default (``FirmDetails.default_vat``).
    """

    # Named as the model field it fills (with ``vat_exempt``), so the posted name stays.
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VAT_CHOICES, initial="25")

    class Meta:
        model = OrderLine
        fields = ["description", "quantity", "unit_price", "discount_percent"]
        field_classes = LINE_FIELD_CLASSES

    field_order = ["description", "quantity", "unit_price", "vat_rate", "discount_percent"]

    def __init__(self, *args, vat_default: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discount_percent"].required = False
        if vat_default:
            self.fields["vat_rate"].initial = vat_default
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_discount_percent(self):
        return self.cleaned_data.get("discount_percent") or Decimal(0)

    def line_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["vat_rate"], values["vat_exempt"] = vat_from_code(self.cleaned_data["vat_rate"])
        return values


class OrderLineAdminForm(forms.ModelForm):
    class Meta:
        model = OrderLine
        fields = [
            "position",
            "description",
            "quantity",
            "unit_price",
            "vat_rate",
            "vat_exempt",
            "discount_percent",
        ]
        field_classes = LINE_FIELD_CLASSES


class BaseLineFormSet(forms.BaseFormSet):
    def total_form_count(self):
        total = super().total_form_count()
        # No more lines than were posted (a browser posts every field of every line): a
        # crafted TOTAL_FORMS would have the page build, check and show up to 200 empty
        # lines (1.7 s a request).
        return min(total, self._lines_posted) if self.is_bound else total

    @cached_property
    def _lines_posted(self) -> int:
        row = re.compile(rf"{re.escape(self.prefix)}-([0-9]+)-")
        return max((int(m[1]) for key in self.data if (m := row.match(key))), default=-1) + 1

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Laid out here, where the formset's «Delete» box exists.
        form.helper.layout = Layout(
            Row(
                Column("description", css_class="col-12 col-lg-4"),
                Column("quantity", css_class="col-4 col-lg-1"),
                Column("unit_price", css_class="col-8 col-lg-2"),
                Column("vat_rate", css_class="col-6 col-lg-2"),
                Column("discount_percent", css_class="col-6 col-lg-2"),
                Column("DELETE", css_class="col-12 col-lg-1 align-self-center"),
            )
        )

    def line_values(self) -> list[dict]:
        return [
            form.line_values()
            for form in self.forms
            # An untouched extra line validates to {}; kept lines always have a description.
            if form.cleaned_data and not self._should_delete_form(form)
        ]


LineFormSet = forms.formset_factory(
    OrderLineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=200,
    validate_max=True,
    # Django builds up to absolute_max forms from a posted TOTAL_FORMS (max_num + 1000
    # by default): a crafted count would have every request validate and render 1200.
    absolute_max=200,
    can_delete=True,
)


class FirmDetailsForm(forms.ModelForm):
    """The firm's own details (administrators). Account numbers are read as typed
    («1234 56 78903», «NO93 8601 1117 947») and kept as bare digits and letters."""

    logo_upload = forms.ImageField(
        label=_("Logo"),
        required=False,
        # A plain input: «Remove the logo» below is the one way to clear it.
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1 MB. Printed at the top of the invoice."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = FirmDetails
        fields = [
            "name",
            "street_address",
            "postcode",
            "city",
            "org_number",
            "in_register",
            "vat_registered",
            "bank_account",
            "iban",
            "bic",
            "payment_terms_days",
            "default_vat",
            "invoice_email",
        ]
        widgets = {"bank_account": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model fields' lengths are for the stored digits; typed text has spaces.
        for name in ("org_number", "bank_account", "iban", "bic"):
            self.fields[name].max_length = 60
            self.fields[name].widget.attrs["maxlength"] = 60
            self.fields[name].validators = []
        if self.instance.pk and self.instance.bank_account:
            self.initial["bank_account"] = self.instance.account_text
        if not self.instance.logo_id:
            del self.fields["remove_logo"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_org_number(self):
        from companies.validators import validate_orgnr

        value = "".join(self.cleaned_data["org_number"].split())
        validate_orgnr(value)
        return value

    def clean_bank_account(self):
        return validators.clean_bank_account(self.cleaned_data["bank_account"])

    def clean_iban(self):
        return validators.clean_iban(self.cleaned_data["iban"])

    def clean_bic(self):
        return validators.clean_bic(self.cleaned_data["bic"])

    def clean_logo_upload(self):
        logo = self.cleaned_data.get("logo_upload")
        if not logo:
            return None
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 1 MB."), code="too_large")
        if getattr(logo, "image", None) is None or logo.image.format not in ("PNG", "JPEG"):
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo
