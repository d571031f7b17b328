"""The Planner's grid and iCalendar (.ics) output of appointments."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from .models import AppointmentStatus

# The Planner shows every hour of the day in a box that opens at 07:00 and scrolls
# (static/js/activities.js); VISIBLE_FROM is where it opens.
HOURS = range(24)
VISIBLE_FROM = 7
# Appointments are placed by the quarter hour: offset in the start hour, and length.
QUARTER = dt.timedelta(minutes=15)
# Overlapping appointments share a column side by side, at most this many abreast (the
# rest take the last lane); the CSS has a class per lane (static/css/crm.css).
MAX_LANES = 4
# Users shown side by side at most.
MAX_USERS = 6


class PlannerGrid:
    """The Planner's week or day: one column per day and shown user, one row per hour.

    Each timed appointment sits in the cell of its start hour, positioned by quarter
    hours (``offset``, ``length``) and by lane (``lane`` of ``lanes``) so that
    appointments that overlap stand side by side.
    """

    def __init__(self, *, day: dt.date, view: str, users=()):
        self.day = day
        self.view = view
        self.users = list(users)
        if view == "day":
            self.first = self.last = day
            step = dt.timedelta(days=1)
        else:
            self.first = day - dt.timedelta(days=day.weekday())
            self.last = self.first + dt.timedelta(days=6)
            step = dt.timedelta(days=7)
        self.previous = day - step
        self.following = day + step
        self.days = [
            self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)
        ]
        self.today = timezone.localdate()
        owners = self.users or [None]
        self.columns = [{"day": d, "user": u} for d in self.days for u in owners]
        self.all_day = [{"day": c["day"], "user": c["user"], "items": []} for c in self.columns]
        self.rows = [
            {
                "hour": hour,
                "label": f"{hour:02d}:00",
                "first_visible": hour == VISIBLE_FROM,
                "cells": [
                    {
                        "day": c["day"],
                        "user": c["user"],
                        "items": [],
                        "start": f"{c['day'].isoformat()}T{hour:02d}:00",
                    }
                    for c in self.columns
                ],
            }
            for hour in HOURS
        ]

    @property
    def week_number(self) -> int:
        return self.first.isocalendar()[1]

    @property
    def several_users(self) -> bool:
        return len(self.users) > 1

    def place(self, appointments, *, belongs=None) -> None:
        """Put each appointment in the columns of the users it ``belongs`` to (a function
        from an appointment to user ids; with no users shown, one column per day)."""
        index = {
            (c["day"], c["user"].pk if c["user"] else None): i for i, c in enumerate(self.columns)
        }
        timed: dict[int, list] = {}
        for appointment in appointments:
            user_ids = belongs(appointment) if belongs and self.users else [None]
            start = timezone.localtime(appointment.start_at)
            end = timezone.localtime(appointment.end_at)
            for user_id in user_ids:
                if appointment.all_day:
                    for d in self.days:
                        if start.date() <= d < end.date() and (d, user_id) in index:
                            self.all_day[index[d, user_id]]["items"].append(appointment)
                    continue
                for d in self.days:
                    day_start = local_midnight(d)
                    day_end = local_midnight(d + dt.timedelta(days=1))
                    if not (start < day_end and end > day_start) and start.date() != d:
                        continue
                    if (d, user_id) in index:
                        begin = max(start, day_start)
                        stop = max(min(end, day_end), begin + QUARTER)
                        timed.setdefault(index[d, user_id], []).append(
                            Placed(appointment, begin, stop)
                        )
        for column, placed in timed.items():
            for item in _lanes(placed):
                self.rows[item.begin.hour]["cells"][column]["items"].append(item)


class GroupWeek:
    """The group calendar's week: a row per member (and per other assignee of a task
    that week, and one for tasks nobody has taken), a column per day, each task in the
    cell of its assignee and due day."""

    def __init__(self, *, day: dt.date, members, tasks):
        self.first = day - dt.timedelta(days=day.weekday())
        self.last = self.first + dt.timedelta(days=6)
        self.days = [self.first + dt.timedelta(days=i) for i in range(7)]
        self.previous = self.first - dt.timedelta(days=7)
        self.following = self.first + dt.timedelta(days=7)
        self.today = timezone.localdate()
        people = list(members)
        known = {p.pk for p in people}
        for task in tasks:
            if task.assignee_id and task.assignee_id not in known:
                people.append(task.assignee)
                known.add(task.assignee_id)
        rows = {p.pk: {"user": p, "cells": [[] for _ in self.days]} for p in people}
        nobody = {"user": None, "cells": [[] for _ in self.days]}
        for task in tasks:
            row = rows.get(task.assignee_id, nobody)
            row["cells"][(task.due_date - self.first).days].append(task)
        self.rows = list(rows.values())
        if any(nobody["cells"]):
            self.rows.append(nobody)
        for row in self.rows:
            row["cells"] = [
                {"day": d, "tasks": ts} for d, ts in zip(self.days, row["cells"], strict=True)
            ]

    @property
    def week_number(self) -> int:
        return self.first.isocalendar()[1]


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


class Placed:
    """An appointment as one column of the Planner shows it."""

    def __init__(self, appointment, begin: dt.datetime, stop: dt.datetime):
        self.appointment = appointment
        self.begin, self.stop = begin, stop
        self.offset = begin.minute // 15  # quarter hours into the start hour
        quarters = -(-(stop - begin) // QUARTER)
        # The box reaches at most the end of the day.
        self.length = max(1, min(quarters, (24 - begin.hour) * 4 - self.offset))
        self.lane, self.lanes = 0, 1


def _lanes(placed: list[Placed]) -> list[Placed]:
    """Give overlapping appointments lanes side by side: greedy, by start; every item of
    a cluster of overlaps gets the cluster's lane count."""
    placed.sort(key=lambda p: (p.begin, -(p.stop - p.begin).total_seconds()))
    cluster: list[Placed] = []
    lane_ends: list[dt.datetime] = []
    cluster_end = None

    def close():
        for item in cluster:
            item.lanes = min(len(lane_ends), MAX_LANES)

    for item in placed:
        if cluster_end is not None and item.begin >= cluster_end:
            close()
            cluster, lane_ends = [], []
        free = next((i for i, e in enumerate(lane_ends) if e <= item.begin), None)
        if free is None:
            lane_ends.append(item.stop)
            free = len(lane_ends) - 1
        else:
            lane_ends[free] = item.stop
        item.lane = min(free, MAX_LANES - 1)
        cluster.append(item)
        cluster_end = item.stop if cluster_end is None else max(cluster_end, item.stop)
    close()
    return placed


_ICS_STATUS = {
    AppointmentStatus.PLANNED: "CONFIRMED",
    AppointmentStatus.HELD: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def appointment_event(appointment, *, host: str = "crm") -> Event:
    """One appointment as a VEVENT, times in UTC (an all-day one as local dates); the
    single .ics download and the calendar feeds (api/feeds/) both build from it."""
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{host.split(':')[0]}")
    event.add("summary", appointment.title)
    if appointment.all_day:
        event.add("dtstart", timezone.localtime(appointment.start_at).date())
        event.add("dtend", timezone.localtime(appointment.end_at).date())
    else:
        event.add("dtstart", appointment.start_at.astimezone(dt.UTC))
        event.add("dtend", appointment.end_at.astimezone(dt.UTC))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    if appointment.location:
        event.add("location", appointment.location)
    if appointment.description:
        event.add("description", appointment.description)
    event.add("status", _ICS_STATUS.get(appointment.status, "CONFIRMED"))
    return event


def new_calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kontaktkort CRM//NO")
    cal.add("version", "2.0")
    return cal


def appointment_ics(appointment, *, host: str = "crm") -> bytes:
    """One appointment as an iCalendar file (RFC 5545), times in UTC."""
    cal = new_calendar()
    cal.add_component(appointment_event(appointment, host=host))
    return cal.to_ical()
