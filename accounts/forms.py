from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TwoFactorPolicy


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class AuthenticatorForm(CodeForm):
    device = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorPolicyForm(forms.ModelForm):
    class Meta:
        model = TwoFactorPolicy
        fields = ["required"]
