"""Forms for appointments, tasks, notes and projects: validation and layout only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from contacts.models import Contact
from crm.forms import UserChoiceField, UserMultipleChoiceField, date_input
from crm.user_picker import crm_users

from .models import AppointmentStatus, Note, Project, Task

TIME_ATTRS = {"placeholder": "tt:mm", "autocomplete": "off", "inputmode": "numeric"}


def time_input() -> forms.TimeInput:
    """Times as tt:mm, never with seconds."""
    return forms.TimeInput(attrs=TIME_ATTRS, format="%H:%M")


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at ``time`` on the wall clock in Oslo, as an aware datetime.

    A time skipped by the spring DST change (02:00–03:00 on the last Sunday of March) does
    not exist: refused. A time repeated in autumn is taken as the first (summer time).
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _("%(time)s does not exist on %(date)s: the clocks go forward that night."),
            code="nonexistent_time",
            params={"time": time.strftime("%H:%M"), "date": day.strftime("%d.%m.%Y")},
        )
    # In UTC, so that subtracting two of them gives real elapsed time across DST.
    return aware.astimezone(dt.UTC)


class AppointmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Date"), widget=date_input())
    start_time = forms.TimeField(label=_("From"), required=False, widget=time_input())
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty for the same day."),
    )
    end_time = forms.TimeField(label=_("To"), required=False, widget=time_input())
    all_day = forms.BooleanField(label=_("All day"), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AppointmentStatus.choices, initial=AppointmentStatus.PLANNED
    )
    participants = UserMultipleChoiceField(
        label=_("Participating users"),
        queryset=None,
        required=False,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Contact.objects.all(), required=False
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = crm_users()
        self.fields["title"].error_messages["required"] = _("An appointment needs a title.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            Row(
                Column("start_date", css_class="col-sm-4"),
                Column("start_time", css_class="col-sm-2"),
                Column("end_date", css_class="col-sm-4"),
                Column("end_time", css_class="col-sm-2"),
            ),
            "all_day",
            Row(Column("location", css_class="col-md-8"), Column("status", css_class="col-md-4")),
            # The participants are chosen in the user picker (activities/pickers.py).
            "description",
        )

    @classmethod
    def initial_for(cls, appointment) -> dict:
        start = timezone.localtime(appointment.start_at)
        end = timezone.localtime(appointment.end_at)
        if appointment.all_day:
            end = end - dt.timedelta(days=1)
        return {
            "title": appointment.title,
            "start_date": start.date(),
            "start_time": None if appointment.all_day else start.time(),
            # Empty for the same day (the field's help text): moving the date then moves
            # the whole appointment, instead of stretching it over several days.
            "end_date": end.date() if end.date() != start.date() else None,
            "end_time": None if appointment.all_day else end.time(),
            "all_day": appointment.all_day,
            "location": appointment.location,
            "description": appointment.description,
            "status": appointment.status,
            "participants": list(appointment.participants.all()),
            "contacts": list(appointment.contacts.all()),
            "company": appointment.company,
        }

    def clean(self):
        cleaned = super().clean()
        start_date = cleaned.get("start_date")
        if start_date is None:
            return cleaned
        end_date = cleaned.get("end_date") or start_date
        if cleaned.get("all_day"):
            if end_date < start_date:
                self.add_error("end_date", _("The end must be after the start."))
                return cleaned
            try:
                cleaned["start_at"] = local_datetime(start_date, dt.time(0))
                cleaned["end_at"] = local_datetime(end_date + dt.timedelta(days=1), dt.time(0))
            except ValidationError as error:
                self.add_error("start_date", error)
            return cleaned
        start_time, end_time = cleaned.get("start_time"), cleaned.get("end_time")
        if start_time is None and "start_time" not in self.errors:
            self.add_error("start_time", _("Give a start time, or tick «All day»."))
        if end_time is None and "end_time" not in self.errors:
            self.add_error("end_time", _("Give an end time, or tick «All day»."))
        if start_time is None or end_time is None:
            return cleaned
        try:
            cleaned["start_at"] = local_datetime(start_date, start_time)
        except ValidationError as error:
            self.add_error("start_time", error)
        try:
            cleaned["end_at"] = local_datetime(end_date, end_time)
        except ValidationError as error:
            self.add_error("end_time", error)
        if (
            "start_at" in cleaned
            and "end_at" in cleaned
            and cleaned["end_at"] <= cleaned["start_at"]
        ):
            self.add_error("end_time", _("The end must be after the start."))
        return cleaned

    def service_data(self) -> dict:
        c = self.cleaned_data
        return {
            "title": c["title"].strip(),
            "start_at": c["start_at"],
            "end_at": c["end_at"],
            "all_day": c["all_day"],
            "location": c["location"],
            "description": c["description"],
            "status": c["status"],
            "company": c["company"],
            "contacts": list(c["contacts"]),
            "participants": list(c["participants"]),
        }


class TaskForm(forms.ModelForm):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Contact.objects.all(), required=False
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.all(), required=False
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "due_date",
            "due_time",
            "status",
            "priority",
            "assignee",
            "group",
            "contacts",
            "company",
        ]
        widgets = {
            "due_date": date_input(),
            "due_time": time_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"assignee": UserChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = crm_users()
        self.fields["title"].error_messages["required"] = _("A task needs a title.")
        if self.instance.pk and not self.is_bound:
            self.initial["contacts"] = list(self.instance.contacts.all())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            "description",
            Row(
                Column("due_date", css_class="col-sm-4"),
                Column("due_time", css_class="col-sm-2"),
                Column("status", css_class="col-sm-3"),
                Column("priority", css_class="col-sm-3"),
            ),
            # The assignee is chosen in the user picker (activities/pickers.py).
            Row(Column("group", css_class="col-md-6")),
        )

    def clean_title(self):
        value = self.cleaned_data["title"].strip()
        if not value:
            raise ValidationError(_("A task needs a title."), code="required")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due_time") and not cleaned.get("due_date"):
            self.add_error("due_date", _("A due time needs a due date."))
        return cleaned

    def _post_clean(self):
        # The service runs full_clean() and the status rules; the form only validates input.
        pass

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["contacts"] = list(data["contacts"])
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    private = forms.BooleanField(
        label=_("Private"),
        required=False,
        help_text=_("Only you will ever see a private note."),
    )
    contact_persons = forms.ModelMultipleChoiceField(
        label=_("Contact persons"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Write something in the note.")
        if company is not None:
            self.fields["contact_persons"].queryset = (
                Contact.objects.filter(company_links__company=company)
                .distinct()
                .order_by("sort_key", "id")
            )
        else:
            del self.fields["contact_persons"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_text(self):
        value = self.cleaned_data["text"].strip()
        if not value:
            raise ValidationError(_("Write something in the note."), code="required")
        return value


class NoteEditForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text", "private"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _post_clean(self):
        pass


class ProjectForm(forms.ModelForm):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=Contact.objects.all(), required=False
    )

    class Meta:
        model = Project
        fields = ["name", "description", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["contacts"] = list(self.instance.participants.all())
        self.fields["name"].error_messages["required"] = _("A project needs a name.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The participants are chosen in the picker (crm/picker.py), not in a list box.
        self.helper.layout = Layout("name", "description", "status")

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise ValidationError(_("A project needs a name."), code="required")
        return value

    def _post_clean(self):
        pass
