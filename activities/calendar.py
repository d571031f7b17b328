"""The Planner's grid and iCalendar (.ics) output of appointments."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from .models import AppointmentStatus

HOUR_FROM, HOUR_TO = 7, 19  # rows 07:00 … 18:00; earlier/later appointments go to the edge


class PlannerGrid:
    def __init__(self, *, day: dt.date, view: str):
        self.day = day
        self.view = view
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
        self.all_day = [{"day": d, "items": []} for d in self.days]
        self.rows = [
            {
                "hour": hour,
                "label": f"{hour:02d}:00",
                "cells": [
                    {"day": d, "items": [], "start": f"{d.isoformat()}T{hour:02d}:00"}
                    for d in self.days
                ],
            }
            for hour in range(HOUR_FROM, HOUR_TO)
        ]

    @property
    def week_number(self) -> int:
        return self.first.isocalendar()[1]

    def place(self, appointments) -> None:
        index = {d: i for i, d in enumerate(self.days)}
        for appointment in appointments:
            start = timezone.localtime(appointment.start_at)
            if appointment.all_day:
                end = timezone.localtime(appointment.end_at).date()
                for d in self.days:
                    if start.date() <= d < end:
                        self.all_day[index[d]]["items"].append(appointment)
                continue
            column = index.get(start.date())
            if column is None:  # began before the first day shown: show it on the first
                column = 0
            hour = min(max(start.hour, HOUR_FROM), HOUR_TO - 1)
            self.rows[hour - HOUR_FROM]["cells"][column]["items"].append(appointment)


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
