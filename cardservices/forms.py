from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PHONE_FIELDS


class SmsForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=1600,
        widget=forms.Textarea(
            attrs={"rows": 5, "data-sms-text": "", "aria-describedby": "sms-counter"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_text(self):
        # Browsers send \r\n for a line break; one \n is one character in an SMS.
        return self.cleaned_data["text"].replace("\r\n", "\n")


class LookupForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in PHONE_FIELDS])
