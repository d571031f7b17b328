"""The address and customer-number parts of the contact and company forms.

Both forms (contacts/forms.py, companies/forms.py) take these fields and rules from here:
a country select (Norway first), the postcode checked for that country, the post town
filled in from Posten's register, phones read in the country's own format, and the
customer number that only administrators may set.
"""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .customer_numbers import MAX_NUMBER
from .postcodes import NORWAY, clean_postcode, town_for


def country_field() -> forms.TypedChoiceField:
    # Lazy choices: the names follow the active language (Norwegian in the CRM).
    return forms.TypedChoiceField(
        label=_("Country"),
        choices=lambda: list(countries),
        required=False,
        empty_value=NORWAY,
        initial=NORWAY,
    )


def customer_number_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Customer number"),
        required=False,
        min_value=1,
        max_value=MAX_NUMBER,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("A customer number is a whole number."),
            "min_value": _("A customer number is a whole number from 1 to 999 999 999 999."),
            "max_value": _("A customer number is a whole number from 1 to 999 999 999 999."),
        },
    )


class AddressFormMixin:
    """For a ModelForm with ``postcode``, ``city`` and ``country`` (and phone fields), and a
    ``customer_number`` form field. Pass ``may_set_customer_number=True`` for an
    administrator; others see the number read-only."""

    def setup_address(self, *, may_set_customer_number: bool) -> None:
        self.fields["postcode"].widget.attrs.update(
            {
                "autocomplete": "postal-code",
                # Typing a Norwegian postcode fills the post town (contacts.views.post_town);
                # without JavaScript the form fills it on saving.
                "hx-get": reverse_lazy("contacts:post_town"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": "#id_city",
                "hx-swap": "outerHTML",
                "hx-include": "[name=country], [name=city]",
                "hx-sync": "this:replace",
            }
        )
        self.fields["city"].label = _("Post town")
        self.fields["city"].widget.attrs.setdefault("autocomplete", "address-level2")
        if not self.is_bound and self.instance.pk:
            self.initial["customer_number"] = self.instance.customer_number
        field = self.fields["customer_number"]
        if may_set_customer_number:
            field.help_text = _(
                "One kept from the old system, or empty: the «+» button on the card gives the next free number."
            )
        else:
            field.disabled = True
            field.help_text = _("Only an administrator can set or change the customer number.")
        # Phones are read in the country's own format: «08-123 456 78» for a Swedish
        # customer; a number with «+» is read as it stands wherever the customer lives.
        country = self._country()
        if country in phonenumbers.SUPPORTED_REGIONS:
            for form_field in self.fields.values():
                if hasattr(form_field, "region"):
                    form_field.region = country

    def _country(self) -> str:
        if self.is_bound:
            value = self.data.get(self.add_prefix("country")) or NORWAY
            return value if value in countries else NORWAY
        return self.initial.get("country") or self.instance.country or NORWAY

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country") or NORWAY
        postcode = cleaned.get("postcode")
        if postcode is None or "country" in self.errors:
            return cleaned
        # A postcode saved before and left as it is is not looked up again: Posten retires
        # postcodes, and an edit of the phone must not stop at an address no one touched.
        unchanged = (
            self.instance.pk is not None
            and postcode.strip() == self.instance.postcode
            and country == self.instance.country
        )
        try:
            cleaned["postcode"] = clean_postcode(
                country=country, postcode=postcode, check_register=not unchanged
            )
        except ValidationError as error:
            self.add_error("postcode", error)
            return cleaned
        if country == NORWAY and cleaned["postcode"] and not (cleaned.get("city") or "").strip():
            cleaned["city"] = town_for(cleaned["postcode"]) or ""
        return cleaned

    def service_data(self) -> dict:
        """What the create/update service takes: the model fields, and the customer
        number only from someone who may set it."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if not self.fields["customer_number"].disabled:
            data["customer_number"] = self.cleaned_data.get("customer_number")
        return data
