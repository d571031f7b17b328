from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TokenScope

# The expiries offered, in days («never» is offered too, as GitHub and GitLab do).
EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("never", _("Never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. «Web shop»."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, initial=TokenScope.READ
    )
    expires = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, initial="90")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Give the token a name.")

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("Give the token a name."), code="required")
        return value

    def service_data(self) -> dict:
        expires = self.cleaned_data["expires"]
        return {
            "name": self.cleaned_data["name"],
            "scope": self.cleaned_data["scope"],
            "expires_at": None
            if expires == "never"
            else timezone.now() + timezone.timedelta(days=int(expires)),
        }
