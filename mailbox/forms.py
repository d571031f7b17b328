from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MailAccount, MailSendingPolicy


class MailAccountForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Stored encrypted. Leave empty to keep the saved password."),
    )

    smtp_password = forms.CharField(
        label=_("SMTP password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Leave empty to use the IMAP password (or keep the saved SMTP password)."),
    )

    class Meta:
        model = MailAccount
        fields = [
            "email",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folders",
            "link_to_crm",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_username",
            "smtp_password",
        ]
        help_texts = {
            "link_to_crm": _(
                "Only e-mail to or from a contact's address is kept. Switched off, no e-mail "
                "is kept, and e-mail kept only for this account is removed."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if not (self.instance.pk and self.instance.password_encrypted):
            self.fields["password"].required = True
            self.fields["password"].help_text = _("Stored encrypted.")
        # Only needed with an SMTP server; a reading-only account leaves them as they are.
        self.fields["smtp_port"].required = False
        self.fields["smtp_security"].required = False

    def clean_smtp_port(self):
        return (
            self.cleaned_data.get("smtp_port") or MailAccount._meta.get_field("smtp_port").default
        )

    def clean_smtp_security(self):
        default = MailAccount._meta.get_field("smtp_security").default
        return self.cleaned_data.get("smtp_security") or default


class ComposeForm(forms.Form):
    to = forms.ChoiceField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=500)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(a, a) for a in addresses]
        self.helper = FormHelper()
        self.helper.form_tag = False


class MailSearchForm(forms.Form):
    q = forms.CharField(label=_("Search in subject"), required=False, max_length=200)


class SendingPolicyForm(forms.ModelForm):
    class Meta:
        model = MailSendingPolicy
        fields = ["relay_allowed"]


class OAuthMailAccountForm(forms.ModelForm):
    """An account signed in with Microsoft 365 or Google: the server and login come from
    the provider, so only what the CRM does with the mail is edited here."""

    class Meta:
        model = MailAccount
        fields = ["folders", "link_to_crm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class OAuthConnectForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Optional: suggested to the provider's sign-in page."),
    )


class OAuthAppForm(forms.Form):
    """The firm's app registration with one provider (administrators)."""

    client_id = forms.CharField(label=_("Client ID"), max_length=255)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave empty to keep the saved secret."),
    )
    tenant = forms.CharField(
        label=_("Tenant"),
        required=False,
        max_length=100,
        help_text=_("The directory (tenant) ID or domain. Empty: any work or school account."),
    )

    def __init__(self, *args, has_secret: bool = False, uses_tenant: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not uses_tenant:
            del self.fields["tenant"]
        if not has_secret:
            self.fields["client_secret"].required = True
            self.fields["client_secret"].help_text = _("Stored encrypted.")
        self.helper = FormHelper()
        self.helper.form_tag = False
