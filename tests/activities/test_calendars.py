"""The Planner with several users side by side, and the group calendar's week grid."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from activities.models import Task
from tests.activities.factories import AppointmentFactory, TaskFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
PLANNER = reverse("activities:planner")
DAY = dt.date(2026, 11, 26)  # a Thursday


def at(hour, minute=0, day=DAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


def group_with(*users):
    group = Group.objects.create(name="Salg")
    group.user_set.add(*users)
    return group


# --- the Planner --------------------------------------------------------------------


def test_planner_shows_several_users_side_by_side(staff_client, staff, other_staff):
    AppointmentFactory(title="Mitt", owner=staff, start_at=at(9), end_at=at(10))
    AppointmentFactory(title="Kollegas", owner=other_staff, start_at=at(9), end_at=at(10))
    response = staff_client.get(
        PLANNER, {"view": "day", "date": DAY.isoformat(), "user": [staff.pk, other_staff.pk]}
    )
    grid = response.context["grid"]
    cells = {c["user"]: c for c in grid.rows[9]["cells"]}
    assert set(cells) == {staff, other_staff}
    assert [p.appointment.title for p in cells[staff]["items"]] == ["Mitt"]
    assert [p.appointment.title for p in cells[other_staff]["items"]] == ["Kollegas"]
    assert response.text.count('data-testid="planner-user-head"') == 2


def test_a_participant_sees_the_appointment_in_their_column(staff_client, staff, other_staff):
    shared = AppointmentFactory(title="Felles", owner=staff, start_at=at(9), end_at=at(10))
    shared.participants.add(other_staff)
    response = staff_client.get(
        PLANNER, {"view": "day", "date": DAY.isoformat(), "user": [staff.pk, other_staff.pk]}
    )
    cells = response.context["grid"].rows[9]["cells"]
    assert [len(c["items"]) for c in cells] == [1, 1]


def test_overlapping_appointments_get_lane_classes(staff_client, staff):
    AppointmentFactory(title="Lang", owner=staff, start_at=at(9), end_at=at(11))
    AppointmentFactory(title="Kort", owner=staff, start_at=at(9, 30), end_at=at(10))
    text = staff_client.get(PLANNER, {"view": "day", "date": DAY.isoformat()}).text
    assert "planner-lanes2 planner-lane0" in text
    assert "planner-q2 planner-d2 planner-lanes2 planner-lane1" in text


def test_early_and_late_hours_are_in_the_grid_and_it_opens_at_seven(staff_client, staff):
    AppointmentFactory(title="Tidlig", owner=staff, start_at=at(5), end_at=at(6))
    AppointmentFactory(title="Sent", owner=staff, start_at=at(21), end_at=at(22))
    text = staff_client.get(PLANNER, {"view": "day", "date": DAY.isoformat()}).text
    assert "05:00–06:00" in text and "21:00–22:00" in text
    assert text.count("data-planner-start") == 1
    assert ">00:00</th>" in text and ">23:00</th>" in text


def test_unknown_or_crafted_users_fall_back_to_me(staff_client, staff):
    for value in ["999999", "abc", "-1", "1e3", ""]:
        response = staff_client.get(PLANNER, {"user": value})
        assert response.status_code == 200
        assert response.context["shown_users"] == [staff]


def test_the_planner_of_several_users_reads_a_fixed_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    users = [staff, *UserFactory.create_batch(3, crm_access=True)]
    for i, user in enumerate(users * 10):
        AppointmentFactory(owner=user, start_at=at(8 + i % 10), end_at=at(9 + i % 10))
    with django_assert_max_num_queries(10):
        response = staff_client.get(
            PLANNER, {"date": DAY.isoformat(), "user": [u.pk for u in users]}
        )
    assert response.status_code == 200


# --- the group calendar ---------------------------------------------------------------


def test_group_week_puts_tasks_in_their_users_row_and_due_day(staff_client, staff, other_staff):
    group = group_with(staff, other_staff)
    contact = ContactFactory(first_name="Kari", last_name="Nordmann")
    task = TaskFactory(title="Ring Kari", group=group, assignee=other_staff, due_date=DAY)
    task.contacts.add(contact)
    TaskFactory(title="Neste uke", group=group, assignee=staff, due_date=DAY + dt.timedelta(7))
    response = staff_client.get(
        reverse("activities:group_tasks", args=[group.pk]), {"date": DAY.isoformat()}
    )
    week = response.context["week"]
    assert week.first == dt.date(2026, 11, 23)
    rows = {row["user"]: row for row in week.rows}
    assert [t.title for t in rows[other_staff]["cells"][3]["tasks"]] == ["Ring Kari"]
    assert not any(cell["tasks"] for cell in rows[staff]["cells"])
    assert "Kari Nordmann" in response.text


def test_each_cell_offers_a_new_task_for_that_user_and_day(staff_client, staff):
    group = group_with(staff)
    text = staff_client.get(
        reverse("activities:group_tasks", args=[group.pk]), {"date": DAY.isoformat()}
    ).text
    assert f"?group={group.pk}&amp;assignee={staff.pk}&amp;due=2026-11-26&amp;next=" in text


def test_unassigned_tasks_get_a_row_of_their_own(staff_client, staff):
    group = group_with(staff)
    TaskFactory(title="Ledig", group=group, assignee=None, due_date=DAY)
    week = staff_client.get(
        reverse("activities:group_tasks", args=[group.pk]), {"date": DAY.isoformat()}
    ).context["week"]
    assert week.rows[-1]["user"] is None
    assert [t.title for t in week.rows[-1]["cells"][3]["tasks"]] == ["Ledig"]


@pytest.mark.parametrize("value", ["2026-02-30", "x" * 300, "26.11.2026", "0000-01-01"])
def test_a_crafted_week_is_this_week(staff_client, staff, value):
    group = group_with(staff)
    response = staff_client.get(
        reverse("activities:group_tasks", args=[group.pk]), {"date": value}
    )
    assert response.status_code == 200


def test_the_group_week_reads_a_fixed_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    users = [staff, *UserFactory.create_batch(4, crm_access=True)]
    group = group_with(*users)
    for i in range(40):
        task = TaskFactory(group=group, assignee=users[i % 5], due_date=DAY + dt.timedelta(i % 4))
        task.contacts.add(ContactFactory())
    with django_assert_max_num_queries(16):
        response = staff_client.get(
            reverse("activities:group_tasks", args=[group.pk]), {"date": DAY.isoformat()}
        )
    assert response.status_code == 200


def test_group_calendar_access(client, no_access_user, staff):
    group = group_with(staff)
    url = reverse("activities:group_tasks", args=[group.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(no_access_user)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("activities:group_tasks", args=[999999])).status_code == 404


# --- «Ny oppgave» from a cell ---------------------------------------------------------------


def test_a_new_task_from_a_cell_is_prefilled_with_user_and_day(staff_client, staff, other_staff):
    group = group_with(staff, other_staff)
    response = staff_client.get(
        reverse("activities:task_create"),
        {"group": group.pk, "assignee": other_staff.pk, "due": "2026-11-26"},
    )
    form = response.context["form"]
    assert form.initial["assignee"] == other_staff
    assert form.initial["due_date"] == DAY
    assert 'type="date"' in response.text and 'value="2026-11-26"' in response.text


def test_a_new_group_task_is_owned_by_its_maker_unless_a_member_is_named(
    staff_client, staff, other_staff
):
    group = group_with(other_staff)
    outsider = UserFactory(crm_access=True)
    for assignee in [None, outsider.pk, "abc"]:
        params = {"group": group.pk} | ({"assignee": assignee} if assignee else {})
        form = staff_client.get(reverse("activities:task_create"), params).context["form"]
        assert form.initial["assignee"] == staff


def test_a_crafted_due_date_is_ignored(staff_client):
    response = staff_client.get(reverse("activities:task_create"), {"due": "2026-99-01"})
    assert response.status_code == 200
    assert "due_date" not in response.context["form"].initial


def test_a_task_saved_from_a_cell_lands_in_that_cell(staff_client, staff, other_staff):
    group = group_with(staff, other_staff)
    url = reverse("activities:task_create") + f"?group={group.pk}&assignee={other_staff.pk}"
    staff_client.post(
        url,
        {
            "title": "Fra kalenderen",
            "status": "not_started",
            "priority": 2,
            "group": group.pk,
            "assignee": other_staff.pk,
            "due_date": "2026-11-26",
        },
    )
    task = Task.objects.get()
    assert (task.assignee, task.due_date, task.group) == (other_staff, DAY, group)
