import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from activities.calendar import PlannerGrid, appointment_ics
from tests.activities.factories import AppointmentFactory
from tests.crm.factories import UserFactory

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
    assert [p.appointment for p in grid.rows[9]["cells"][0]["items"]] == [appointment]


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def test_overlapping_appointments_stand_side_by_side():
    day = dt.date(2026, 11, 26)
    first = AppointmentFactory.build(pk=1, start_at=_at(day, 9), end_at=_at(day, 11))
    second = AppointmentFactory.build(pk=2, start_at=_at(day, 9, 30), end_at=_at(day, 10))
    third = AppointmentFactory.build(pk=3, start_at=_at(day, 10, 15), end_at=_at(day, 10, 45))
    later = AppointmentFactory.build(pk=4, start_at=_at(day, 13), end_at=_at(day, 14))
    grid = PlannerGrid(day=day, view="day")
    grid.place([first, second, third, later])
    placed = {p.appointment.pk: p for row in grid.rows for p in row["cells"][0]["items"]}
    assert (placed[1].lane, placed[1].lanes) == (0, 2)
    assert (placed[2].lane, placed[2].lanes) == (1, 2)
    assert (placed[3].lane, placed[3].lanes) == (1, 2)  # the lane the 09:30 one left
    assert (placed[4].lane, placed[4].lanes) == (0, 1)
    assert (placed[2].offset, placed[2].length) == (2, 2)  # 09:30, half an hour
    assert placed[1].length == 8


def test_hours_before_seven_and_after_eighteen_have_their_own_rows():
    day = dt.date(2026, 11, 26)
    early = AppointmentFactory.build(pk=1, start_at=_at(day, 5), end_at=_at(day, 6))
    late = AppointmentFactory.build(pk=2, start_at=_at(day, 21, 45), end_at=_at(day, 23))
    grid = PlannerGrid(day=day, view="day")
    grid.place([early, late])
    assert [r["label"] for r in grid.rows][:1] == ["00:00"] and len(grid.rows) == 24
    assert [p.appointment for p in grid.rows[5]["cells"][0]["items"]] == [early]
    assert [p.appointment for p in grid.rows[21]["cells"][0]["items"]] == [late]
    assert grid.rows[21]["cells"][0]["items"][0].offset == 3


def test_several_users_each_get_a_column_per_day():
    day = dt.date(2026, 11, 26)
    ann, bob = UserFactory.build(pk=10), UserFactory.build(pk=11)
    shared = AppointmentFactory.build(pk=1, start_at=_at(day, 9), end_at=_at(day, 10))
    own = AppointmentFactory.build(pk=2, start_at=_at(day, 9), end_at=_at(day, 10))
    grid = PlannerGrid(day=day, view="day", users=[ann, bob])
    owners = {1: [10, 11], 2: [11]}
    grid.place([shared, own], belongs=lambda a: owners[a.pk])
    cells = grid.rows[9]["cells"]
    assert [c["user"] for c in cells] == [ann, bob]
    assert [p.appointment.pk for p in cells[0]["items"]] == [1]
    assert sorted(p.appointment.pk for p in cells[1]["items"]) == [1, 2]
    assert {p.lanes for p in cells[1]["items"]} == {2}
