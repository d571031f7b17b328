from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import FIELDS
from .models import DEFAULT_MATCH_KEYS, MATCH_KEYS, ImportMapping

FIELD_CHOICES = [("", _("(do not import)")), *[(f.key, f.label) for f in FIELDS]]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (as Excel saves it), XLSX or vCard (.vcf); the first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.vcf"}),
    )
    mapping = forms.ModelChoiceField(
        label=_("Saved mapping"),
        queryset=ImportMapping.objects.all(),
        required=False,
        empty_label=_("(guess from the column headers)"),
    )


class MappingForm(forms.Form):
    """One choice of field per column of the file, the match keys, a name to save under."""

    match_keys = forms.MultipleChoiceField(
        label=_("Update an existing contact or company when this matches"),
        choices=MATCH_KEYS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    save_as = forms.CharField(
        label=_("Save the mapping as"),
        max_length=100,
        required=False,
        help_text=_("Give it a name to use it again for the next file like this one."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, headers, columns, match_keys=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.fields["match_keys"].initial = (
            DEFAULT_MATCH_KEYS if match_keys is None else match_keys
        )
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(number)s") % {"number": index + 1},
                choices=FIELD_CHOICES,
                required=False,
                initial=columns.get(str(index), ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def column_fields(self):
        return [self[f"col_{index}"] for index in range(len(self.headers))]

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"col_{i}") for i in range(len(self.headers))]
        chosen = [c for c in chosen if c]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each field can be chosen for one column only."))
        return data

    def columns(self) -> dict[str, str]:
        return {
            str(i): self.cleaned_data[f"col_{i}"]
            for i in range(len(self.headers))
            if self.cleaned_data.get(f"col_{i}")
        }
