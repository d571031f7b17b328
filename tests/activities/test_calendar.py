import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from activities.calendar import PlannerGrid, appointment_ics
from tests.activities.factories import AppointmentFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def test_ics_is_parsed_back_by_icalendar():
    start = dt.datetime(2026, 11, 26, 10, tzinfo=OSLO)
    appointment = AppointmentFactory(
        title="Møte om tilbud",
        start_at=start,
        end_at=start + dt.timedelta(hours=1),
        location="Storgata 1",
    )
    cal = Calendar.from_ical(appointment_ics(appointment))
    event = cal.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Møte om tilbud"
    assert str(event["LOCATION"]) == "Storgata 1"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + dt.timedelta(hours=1)


def test_ics_across_dst_keeps_the_real_instant():
    start = dt.datetime(2026, 3, 29, 1, tzinfo=OSLO)
    end = dt.datetime(2026, 3, 29, 4, tzinfo=OSLO)
    appointment = AppointmentFactory(start_at=start, end_at=end)
    event = Calendar.from_ical(appointment_ics(appointment)).walk("VEVENT")[0]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=2)


def test_all_day_ics_uses_dates():
    start = dt.datetime(2026, 11, 26, tzinfo=OSLO)
    appointment = AppointmentFactory(
        all_day=True, start_at=start, end_at=start + dt.timedelta(days=1)
    )
    event = Calendar.from_ical(appointment_ics(appointment)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == dt.date(2026, 11, 26)


def test_week_grid_starts_on_monday():
    grid = PlannerGrid(day=dt.date(2026, 11, 26), view="week")
    assert grid.first == dt.date(2026, 11, 23)
    assert len(grid.days) == 7


def test_appointment_is_placed_in_its_local_hour_after_dst():
    start = dt.datetime(2026, 10, 26, 9, tzinfo=OSLO)  # the Monday after autumn change
    appointment = AppointmentFactory(start_at=start, end_at=start + dt.timedelta(hours=1))
    grid = PlannerGrid(day=dt.date(2026, 10, 26), view="week")
    grid.place([appointment])
    assert grid.rows[9 - 7]["cells"][0]["items"] == [appointment]
