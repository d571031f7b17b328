from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms import date_input


class HistoryFilterForm(forms.Form):
    """The date range of the History tab; either end may be left open."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=date_input(**{"class": "form-control"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=date_input(**{"class": "form-control"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The from date (%(start)s) is after the to date (%(end)s)."),
                code="range",
                params={"start": start.strftime("%d.%m.%Y"), "end": end.strftime("%d.%m.%Y")},
            )
        return cleaned
