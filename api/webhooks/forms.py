import ipaddress
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from crm import outbound

from ..models import WebhookEvent


class WebhookForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What receives it, e.g. «Web shop».")
    )
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address the CRM sends each event to (POST, JSON)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Give the webhook a name.")
        self.fields["url"].error_messages["invalid"] = _("Enter an http or https address.")
        self.fields["events"].error_messages["required"] = _("Choose at least one event.")

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("Give the webhook a name."), code="required")
        return value

    def clean_url(self):
        value = self.cleaned_data["url"]
        if not value.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter an http or https address."), code="invalid")
        # An address typed as an IP is checked now (no DNS needed); a name is checked on
        # each delivery, after resolving it, by the outbound guard.
        host = urlsplit(value).hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return value
        try:
            outbound.vet(host, 443)
        except outbound.OutboundError as error:
            raise forms.ValidationError(str(error), code="internal") from error
        return value

    @classmethod
    def for_webhook(cls, webhook, data=None):
        initial = {
            "name": webhook.name,
            "url": webhook.url,
            "events": webhook.events,
            "active": webhook.active,
        }
        return cls(data, initial=initial)
