"""Calendar feeds: a secret address per user, its appointments as VEVENTs and open tasks
as VTODOs (RFC 5545, parsed back with icalendar), renewed or turned off by the user."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from activities.models import TaskPriority, TaskStatus
from api.feeds.services import feed_renew, feed_token
from api.models import CalendarFeed
from tests.activities.factories import AppointmentFactory, TaskFactory
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def _urls(user):
    token = feed_token(feed_renew(user=user).nonce)
    return (
        reverse("tokens:feed_appointments", args=[token]),
        reverse("tokens:feed_tasks", args=[token]),
    )


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _uids(cal, kind) -> set[str]:
    return {str(c["UID"]).split("@")[0] for c in cal.walk(kind)}


def test_the_appointment_feed_has_the_users_own_appointments_only(client, staff, other_staff):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    owned = AppointmentFactory(
        owner=staff,
        title="Eget møte",
        start_at=start,
        end_at=start + dt.timedelta(hours=1),
        location="Storgata 1",
    )
    taking_part = AppointmentFactory(owner=other_staff)
    taking_part.participants.add(staff)
    AppointmentFactory(owner=other_staff, title="Andres møte")
    long_ago = timezone.now() - dt.timedelta(days=400)
    AppointmentFactory(owner=staff, start_at=long_ago, end_at=long_ago + dt.timedelta(hours=1))
    appointments, _tasks = _urls(staff)
    cal = _parse(client.get(appointments))  # no session: the address is the key
    assert cal["VERSION"] == "2.0" and "PRODID" in cal
    assert _uids(cal, "VEVENT") == {f"appointment-{owned.pk}", f"appointment-{taking_part.pk}"}
    event = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Eget møte")
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + dt.timedelta(hours=1)
    assert str(event["LOCATION"]) == "Storgata 1"
    assert "Andres møte" not in response_text(client, appointments)


def response_text(client, url) -> str:
    return client.get(url).content.decode()


def test_an_all_day_appointment_is_a_date(client, staff):
    day = dt.datetime(2030, 5, 17, tzinfo=OSLO)
    AppointmentFactory(owner=staff, all_day=True, start_at=day, end_at=day + dt.timedelta(days=1))
    appointments, _tasks = _urls(staff)
    [event] = _parse(client.get(appointments)).walk("VEVENT")
    assert event.decoded("DTSTART") == dt.date(2030, 5, 17)
    assert event.decoded("DTEND") == dt.date(2030, 5, 18)


def test_the_task_feed_has_the_users_open_tasks_as_todos(client, staff, other_staff):
    due = TaskFactory(
        assignee=staff,
        title="Ring kunden",
        due_date=dt.date(2030, 1, 15),
        due_time=dt.time(9, 30),
        priority=TaskPriority.HIGH,
        status=TaskStatus.IN_PROGRESS,
    )
    undated = TaskFactory(assignee=staff, title="Rydd arkivet")
    TaskFactory(assignee=staff, title="Ferdig", status=TaskStatus.DONE)
    TaskFactory(assignee=other_staff, title="Andres oppgave")
    _appointments, tasks = _urls(staff)
    cal = _parse(client.get(tasks))
    assert _uids(cal, "VTODO") == {f"task-{due.pk}", f"task-{undated.pk}"}
    todo = next(t for t in cal.walk("VTODO") if str(t["SUMMARY"]) == "Ring kunden")
    assert todo.decoded("DUE") == dt.datetime(2030, 1, 15, 9, 30, tzinfo=OSLO)
    assert str(todo["STATUS"]) == "IN-PROCESS"
    assert int(todo["PRIORITY"]) == 1
    assert cal.walk("VEVENT") == []


def test_a_renewed_address_stops_the_old_one(client, staff):
    old_appointments, old_tasks = _urls(staff)
    new_appointments, new_tasks = _urls(staff)
    assert client.get(old_appointments).status_code == 404
    assert client.get(old_tasks).status_code == 404
    assert client.get(new_appointments).status_code == 200
    assert client.get(new_tasks).status_code == 200


def test_the_token_is_not_stored(staff):
    appointments, _tasks = _urls(staff)
    feed = CalendarFeed.objects.get(user=staff)
    token = feed_token(feed.nonce)
    assert token in appointments
    assert token not in (feed.nonce, feed.digest)


@pytest.mark.parametrize(
    "token", ["x", "A" * 43, "../../etc/passwd", "%00", "a" * 5000, "' OR 1=1 --"]
)
def test_a_made_up_address_is_404(client, staff, token):
    _urls(staff)
    url = f"/api/feeds/{token}/appointments.ics"
    assert client.get(url).status_code == 404
    assert client.get(f"/api/feeds/{token}/tasks.ics").status_code == 404


def test_a_user_without_crm_access_has_no_feed(client):
    user = UserFactory(crm_access=False)
    appointments, tasks = _urls(user)
    assert client.get(appointments).status_code == 404
    assert client.get(tasks).status_code == 404


def test_the_api_keys_page_shows_the_feed_addresses_and_makes_a_new_link(staff_client, staff):
    page = staff_client.get(reverse("tokens:list")).content.decode()
    assert 'data-testid="calendar-feeds"' in page
    assert "feed-appointments-url" not in page  # no address until the user makes one
    response = staff_client.post(reverse("tokens:feed_renew"))
    assert response.status_code == 302 and response["Location"] == reverse("tokens:list")
    page = staff_client.get(reverse("tokens:list")).content.decode()
    appointments_path = reverse(
        "tokens:feed_appointments", args=[feed_token(staff.calendar_feed.nonce)]
    )
    assert f"http://testserver{appointments_path}" in page
    old = appointments_path
    staff_client.post(reverse("tokens:feed_renew"))
    assert staff_client.get(old).status_code == 404


def test_turning_the_feed_off_ends_the_address(staff_client, staff):
    appointments, _tasks = _urls(staff)
    response = staff_client.post(reverse("tokens:feed_stop"), {"next": "//evil.example/"})
    assert response["Location"] == reverse("tokens:list")
    assert staff_client.get(appointments).status_code == 404
    assert not CalendarFeed.objects.filter(user=staff).exists()


def test_renewing_needs_a_signed_in_user_with_crm_access(client, no_access_user):
    for name in ("tokens:feed_renew", "tokens:feed_stop"):
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert client.get(reverse(name)).status_code in (302, 405)
    client.force_login(no_access_user)
    assert client.post(reverse("tokens:feed_renew")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_the_feed_is_not_cached_and_only_answers_get(client, staff):
    appointments, _tasks = _urls(staff)
    response = client.get(appointments)
    assert "no-store" in response["Cache-Control"]
    assert client.post(appointments).status_code == 405


def test_the_feed_costs_a_fixed_number_of_queries(client, staff, django_assert_max_num_queries):
    for _ in range(30):
        AppointmentFactory(owner=staff)
        TaskFactory(assignee=staff)
    appointments, tasks = _urls(staff)
    with django_assert_max_num_queries(4):
        client.get(appointments)
    with django_assert_max_num_queries(4):
        client.get(tasks)


def test_any_page_shows_the_feeds_with_the_template_tag(rf, staff):
    """How «Min konto» (or any page) shows the block, without importing the API app."""
    from django.template import engines

    request = rf.get("/konto/")
    request.user = staff
    feed = feed_renew(user=staff)
    html = (
        engines["django"]
        .from_string("{% load calendar_feeds %}{% calendar_feeds %}")
        .render({}, request)
    )
    assert reverse("tokens:feed_tasks", args=[feed_token(feed.nonce)]) in html
    assert 'name="next" value="/konto/"' in html
