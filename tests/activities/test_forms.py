import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from activities.forms import AppointmentForm, TaskForm

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def _data(**overrides):
    data = {
        "title": "Møte",
        "start_date": "26.11.2026",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "11:00",
        "status": "planned",
    }
    data.update(overrides)
    return data


def test_norwegian_date_format_is_accepted():
    form = AppointmentForm(_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_at"] == dt.datetime(2026, 11, 26, 10, tzinfo=OSLO)


def test_end_before_start_is_refused_with_a_message():
    form = AppointmentForm(_data(end_time="09:00"))
    assert not form.is_valid()
    assert "end_time" in form.errors


def test_bad_date_is_a_form_error():
    form = AppointmentForm(_data(start_date="31.02.2026"))
    assert not form.is_valid()
    assert "start_date" in form.errors


def test_missing_times_ask_for_all_day():
    form = AppointmentForm(_data(start_time="", end_time=""))
    assert not form.is_valid()
    assert "start_time" in form.errors


def test_all_day_covers_the_whole_day():
    form = AppointmentForm(_data(start_time="", end_time="", all_day="on"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["end_at"] - form.cleaned_data["start_at"] == dt.timedelta(days=1)


def test_spring_dst_gap_time_is_refused():
    # 29.03.2026: clocks go from 02:00 to 03:00 in Oslo.
    form = AppointmentForm(_data(start_date="29.03.2026", start_time="02:30", end_time="04:00"))
    assert not form.is_valid()
    assert "start_time" in form.errors


def test_across_spring_dst_change_duration_is_real_hours():
    form = AppointmentForm(_data(start_date="29.03.2026", start_time="01:00", end_time="04:00"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["end_at"] - form.cleaned_data["start_at"] == dt.timedelta(hours=2)


def test_across_autumn_dst_change_duration_is_real_hours():
    # 25.10.2026: clocks go from 03:00 back to 02:00.
    form = AppointmentForm(_data(start_date="25.10.2026", start_time="01:00", end_time="04:00"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["end_at"] - form.cleaned_data["start_at"] == dt.timedelta(hours=4)
    assert form.cleaned_data["start_at"].astimezone(OSLO).utcoffset() == dt.timedelta(hours=2)


def test_task_due_time_without_date_is_a_form_error():
    form = TaskForm({"title": "Ring", "due_time": "10:00", "status": "not_started", "priority": 2})
    assert not form.is_valid()
    assert "due_date" in form.errors


def test_task_blank_title_is_refused():
    form = TaskForm({"title": "   ", "status": "not_started", "priority": 2})
    assert not form.is_valid()
    assert "title" in form.errors
