"""The Planner and the group calendar in a real browser, on a laptop and on a phone."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.activities.factories import AppointmentFactory, TaskFactory
from tests.browser.conftest import assert_accessible
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SIZES = [
    pytest.param({"width": 1366, "height": 800}, id="laptop"),
    pytest.param({"width": 390, "height": 844}, id="phone"),
]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def at(hour, minute=0):
    day = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.mark.parametrize("size", SIZES)
def test_planner_two_users_side_by_side_with_overlaps_and_late_hours(
    live_server, page, login, staff, size
):
    colleague = UserFactory(crm_access=True, first_name="Berit", last_name="Kollega")
    AppointmentFactory(title="Lang økt", owner=staff, start_at=at(9), end_at=at(11))
    AppointmentFactory(title="Kort prat", owner=staff, start_at=at(9, 30), end_at=at(10))
    AppointmentFactory(title="Kveldsmøte", owner=colleague, start_at=at(20), end_at=at(21))
    page.set_viewport_size(size)
    login(staff)
    page.goto(live_server.url + reverse("activities:planner") + "?view=day")

    page.get_by_test_id("planner-users").locator("summary").click()
    page.get_by_label("Berit Kollega").check()
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_test_id("planner-user-head")).to_have_count(2)

    grid = page.get_by_test_id("planner")
    long_box = grid.get_by_role("link", name="Lang økt").bounding_box()
    short_box = grid.get_by_role("link", name="Kort prat").bounding_box()
    assert short_box["x"] >= long_box["x"] + long_box["width"] - 1  # side by side
    assert long_box["height"] > 1.8 * short_box["height"]  # two hours against half an hour

    # The box opens at 07:00; the evening is further down in it.
    scroll = page.locator("[data-planner-scroll]")
    assert scroll.evaluate("box => box.scrollTop") > 0
    evening = grid.get_by_role("link", name="Kveldsmøte")
    evening.scroll_into_view_if_needed()
    expect(evening).to_be_visible()
    expect(evening).to_contain_text("20:00–21:00")
    assert no_sideways_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize("size", SIZES)
def test_group_calendar_week_grid_and_a_new_task_from_a_cell(
    live_server, page, login, staff, size
):
    colleague = UserFactory(crm_access=True, first_name="Berit", last_name="Kollega")
    group = Group.objects.create(name="Salg")
    group.user_set.add(staff, colleague)
    today = timezone.localdate()
    task = TaskFactory(title="Ring kunden", group=group, assignee=colleague, due_date=today)
    task.contacts.add(ContactFactory(first_name="Kari", last_name="Nordmann"))
    page.set_viewport_size(size)
    login(staff)
    page.goto(live_server.url + reverse("activities:group_tasks", args=[group.pk]))

    week = page.get_by_test_id("group-week")
    row = week.get_by_role("row").filter(has_text="Berit Kollega")
    expect(row.get_by_test_id("group-task")).to_contain_text("Ring kunden")
    expect(row.get_by_test_id("group-task")).to_contain_text("Kari Nordmann")
    assert no_sideways_scroll(page)
    assert_accessible(page)

    label = f"Ny oppgave Berit Kollega {today:%d.%m.%Y}"
    row.get_by_role("link", name=label).click()
    expect(page.get_by_label("Forfallsdato", exact=True)).to_have_value(today.isoformat())
    page.get_by_role("textbox", name="Tittel").fill("Send tilbud")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"**/groups/{group.pk}/tasks/**")
    row = page.get_by_test_id("group-week").get_by_role("row").filter(has_text="Berit Kollega")
    expect(row.get_by_test_id("group-task").filter(has_text="Send tilbud")).to_be_visible()
