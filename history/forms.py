from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-control"}, **kwargs)


class HistoryFilterForm(forms.Form):
    """The date range of the History tab; either end may be left open."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
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
