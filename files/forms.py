from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StoredFile
from .selectors import file_area_files_visible_to

MARK_FILES = _("Mark one or more files in the list first.")


class FilePickForm(forms.Form):
    """«Hent fra systemet»: the files marked in the list, among those the user may see."""

    file = forms.ModelMultipleChoiceField(
        queryset=StoredFile.objects.none(),
        # A crafted or vanished id asks for a mark like an empty list does.
        error_messages={
            "required": MARK_FILES,
            "invalid_choice": MARK_FILES,
            "invalid_pk_value": MARK_FILES,
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = file_area_files_visible_to(user)
