from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MailAccount


class MailAccountForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Stored encrypted. Leave empty to keep the saved password."),
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
