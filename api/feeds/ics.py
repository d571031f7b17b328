"""The feeds as iCalendar (RFC 5545) through the icalendar library: appointments as
VEVENTs (activities.calendar builds each, as for the single .ics), tasks as VTODOs.
Times are in UTC; a task due on a day without a time is due that date."""

import datetime as dt

from django.utils import timezone
from icalendar import Todo

from activities.calendar import appointment_event, new_calendar
from activities.models import TaskPriority, TaskStatus

# RFC 5545 3.8.1.9: 1 is the highest, 9 the lowest, 5 the middle.
_PRIORITY = {TaskPriority.HIGH: 1, TaskPriority.NORMAL: 5, TaskPriority.LOW: 9}
_STATUS = {TaskStatus.IN_PROGRESS: "IN-PROCESS"}


def _calendar(name: str):
    cal = new_calendar()
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def appointments_ics(appointments, *, name: str, host: str) -> bytes:
    cal = _calendar(name)
    for appointment in appointments:
        event = appointment_event(appointment, host=host)
        event.add("last-modified", appointment.updated_at.astimezone(dt.UTC))
        cal.add_component(event)
    return cal.to_ical()


def _due(task):
    if task.due_date is None:
        return None
    if task.due_time is None:
        return task.due_date
    local = dt.datetime.combine(task.due_date, task.due_time)
    return timezone.make_aware(local).astimezone(dt.UTC)


def tasks_ics(tasks, *, name: str, host: str) -> bytes:
    cal = _calendar(name)
    for task in tasks:
        todo = Todo()
        todo.add("uid", f"task-{task.pk}@{host.split(':')[0]}")
        todo.add("summary", task.title)
        todo.add("dtstamp", timezone.now().astimezone(dt.UTC))
        todo.add("created", task.created_at.astimezone(dt.UTC))
        todo.add("last-modified", task.updated_at.astimezone(dt.UTC))
        due = _due(task)
        if due is not None:
            todo.add("due", due)
        if task.description:
            todo.add("description", task.description)
        todo.add("status", _STATUS.get(task.status, "NEEDS-ACTION"))
        todo.add("priority", _PRIORITY.get(task.priority, 5))
        cal.add_component(todo)
    return cal.to_ical()
