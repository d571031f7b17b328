import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from activities.models import Appointment, AppointmentStatus, Task, TaskStatus
from tests.activities.factories import AppointmentFactory, NoteFactory, ProjectFactory, TaskFactory
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _urls():
    contact = ContactFactory()
    appointment = AppointmentFactory()
    task = TaskFactory()
    project = ProjectFactory()
    group = Group.objects.create(name="Salg")
    return [
        ("get", reverse("activities:planner")),
        ("get", reverse("activities:appointment_create") + f"?contact={contact.pk}"),
        ("get", reverse("activities:appointment_detail", args=[appointment.pk])),
        ("get", reverse("activities:appointment_update", args=[appointment.pk])),
        ("get", reverse("activities:appointment_delete", args=[appointment.pk])),
        ("get", reverse("activities:appointment_ics", args=[appointment.pk])),
        ("get", reverse("activities:task_create")),
        ("get", reverse("activities:task_update", args=[task.pk])),
        ("post", reverse("activities:task_complete", args=[task.pk])),
        ("get", reverse("activities:task_delete", args=[task.pk])),
        ("post", reverse("activities:note_create") + f"?contact={contact.pk}"),
        ("get", reverse("activities:project_list")),
        ("get", reverse("activities:project_create")),
        ("get", reverse("activities:project_detail", args=[project.pk])),
        ("get", reverse("activities:project_tab", args=[project.pk, "notes"])),
        ("get", reverse("activities:project_update", args=[project.pk])),
        ("get", reverse("activities:project_delete", args=[project.pk])),
        ("get", reverse("activities:group_list")),
        ("get", reverse("activities:group_tasks", args=[group.pk])),
        ("get", reverse("activities:pick_contacts") + "?contact_q=ha"),
        ("get", reverse("activities:pick_company") + "?company_q=fi"),
        ("get", reverse("contacts:tab", args=[contact.pk, "appointments"])),
        ("get", reverse("contacts:tab", args=[contact.pk, "tasks"])),
        ("get", reverse("contacts:tab", args=[contact.pk, "notes"])),
    ]


def test_anonymous_users_are_sent_to_login(client):
    for method, url in _urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_users_without_crm_access_get_403(client, no_access_user):
    client.force_login(no_access_user)
    for method, url in _urls():
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_can_open_every_page(staff_client):
    for method, url in _urls():
        if method == "get":
            assert staff_client.get(url).status_code == 200, url


def test_new_appointment_from_card_links_the_contact(staff_client, staff):
    contact = ContactFactory()
    url = reverse("activities:appointment_create") + f"?contact={contact.pk}"
    response = staff_client.post(
        url,
        {
            "title": "Kundemøte",
            "start_date": "26.11.2026",
            "start_time": "10:00",
            "end_time": "11:00",
            "status": "planned",
            "contacts": [contact.pk],
            "company": "",
            "next": reverse("contacts:tab", args=[contact.pk, "appointments"]),
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert list(appointment.contacts.all()) == [contact]
    assert appointment.owner == staff
    assert response["Location"].endswith(f"/contacts/{contact.pk}/appointments/")


def test_bad_appointment_input_shows_messages_not_500(staff_client):
    response = staff_client.post(
        reverse("activities:appointment_create"),
        {
            "title": "",
            "start_date": "99.99.2026",
            "start_time": "25:00",
            "status": "x",
            "contacts": ["abc"],
            "company": "999999",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_new_appointment_form_takes_the_slot_time(staff_client):
    response = staff_client.get(
        reverse("activities:appointment_create") + "?start=2026-11-26T09:00"
    )
    form = response.context["form"]
    assert form.initial["start_date"] == dt.date(2026, 11, 26)
    assert form.initial["start_time"] == dt.time(9)


def test_a_new_appointment_moved_to_another_day_stays_one_hour(staff_client):
    """The form opens on tomorrow's first hour (late in the evening, say) and the user
    picks another date: the end date, left empty, follows it."""
    url = reverse("activities:appointment_create") + "?start=2026-12-01T00:00"
    form = staff_client.get(url).context["form"]
    assert form.initial["end_date"] is None
    assert 'name="end_date" value=' not in form["end_date"].as_widget()
    response = staff_client.post(
        url,
        {
            **form.initial,
            "title": "Flyttet",
            "start_date": "30.11.2026",
            "participants": [],
            "contacts": [],
            "company": "",
            "start_time": "10:00",
            "end_time": "11:00",
            "end_date": "",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(title="Flyttet")
    assert appointment.end_at - appointment.start_at == dt.timedelta(hours=1)


def test_an_evening_slot_ends_the_next_day(staff_client):
    url = reverse("activities:appointment_create") + "?start=2026-11-30T23:00"
    assert staff_client.get(url).context["form"].initial["end_date"] == dt.date(2026, 12, 1)


def test_next_parameter_cannot_leave_the_site(staff_client):
    response = staff_client.post(
        reverse("activities:task_create"),
        {"title": "Ring", "status": "not_started", "priority": 2, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_status_filter_defaults_to_open_and_survives_paging(staff_client):
    contact = ContactFactory()
    for i in range(30):
        task = TaskFactory(title=f"Åpen {i}")
        task.contacts.add(contact)
    done = TaskFactory(title="Avsluttet-oppgave", status=TaskStatus.DONE)
    done.contacts.add(contact)
    url = reverse("contacts:tab", args=[contact.pk, "tasks"])
    response = staff_client.get(url)
    assert "Avsluttet-oppgave" not in response.text
    assert "status=waiting" in response.text  # the pager link keeps the filter
    response = staff_client.get(url + "?f=1&status=done")
    assert "Avsluttet-oppgave" in response.text and "Åpen 1" not in response.text
    response = staff_client.get(url + "?f=1&status=done&page=2")
    assert response.status_code == 200


def test_one_click_complete_from_the_card_tab(staff_client):
    contact = ContactFactory()
    task = TaskFactory(title="Send tilbud")
    task.contacts.add(contact)
    url = reverse("activities:task_complete", args=[task.pk]) + f"?contact={contact.pk}"
    response = staff_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="tab-panel"' in response.text
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_delete_needs_confirmation(staff_client):
    appointment = AppointmentFactory()
    url = reverse("activities:appointment_delete", args=[appointment.pk])
    assert staff_client.get(url).status_code == 200
    assert Appointment.objects.exists()
    staff_client.post(url)
    assert not Appointment.objects.exists()


def test_ics_download(staff_client):
    appointment = AppointmentFactory()
    response = staff_client.get(reverse("activities:appointment_ics", args=[appointment.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_planner_shows_own_and_selected_users_appointments(staff_client, staff, other_staff):
    now = timezone.now()
    AppointmentFactory(
        title="Mitt møte", owner=staff, start_at=now, end_at=now + dt.timedelta(hours=1)
    )
    AppointmentFactory(
        title="Kollegas møte", owner=other_staff, start_at=now, end_at=now + dt.timedelta(hours=1)
    )
    response = staff_client.get(reverse("activities:planner"))
    assert "Mitt møte" in response.text and "Kollegas møte" not in response.text
    response = staff_client.get(reverse("activities:planner") + f"?user={other_staff.pk}&view=day")
    assert "Kollegas møte" in response.text


def test_group_calendar_marks_overdue_and_filters_by_assignee(staff_client, staff, other_staff):
    group = Group.objects.create(name="Salg")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    TaskFactory(title="Forsinket", group=group, assignee=staff, due_date=yesterday)
    TaskFactory(title="Annens", group=group, assignee=other_staff)
    url = reverse("activities:group_tasks", args=[group.pk])
    response = staff_client.get(url)
    assert (
        "Forsinket" in response.text and "Forfalt" in response.text or "Overdue" in response.text
    )
    response = staff_client.get(url + f"?assignee={staff.pk}")
    assert "Annens" not in response.text


def test_new_task_for_group_is_given_to_the_group(staff_client):
    group = Group.objects.create(name="Salg")
    staff_client.post(
        reverse("activities:task_create") + f"?group={group.pk}",
        {"title": "Felles", "status": "not_started", "priority": 2, "group": group.pk},
    )
    assert Task.objects.get().group == group


def test_company_notes_tab_and_project_page(staff_client, staff):
    company = CompanyFactory()
    NoteFactory(contact=None, company=company, text="Firmanotat", author=staff)
    assert (
        "Firmanotat" in staff_client.get(reverse("companies:tab", args=[company.pk, "notes"])).text
    )
    project = ProjectFactory()
    NoteFactory(contact=None, project=project, text="Prosjektnotat", author=staff)
    assert "Prosjektnotat" in staff_client.get(project.get_absolute_url() + "notes/").text


def test_note_form_error_is_shown_in_the_tab(staff_client):
    contact = ContactFactory()
    response = staff_client.post(
        reverse("activities:note_create") + f"?contact={contact.pk}",
        {"text": "  "},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Skriv noe" in response.text or "Write something" in response.text


@pytest.mark.parametrize("place", ["contact", "company", "project"])
def test_refused_note_comes_back_in_its_tab_as_it_was_typed(staff_client, place):
    """The tab is rendered again with the posted form: its error and its ticks, not an
    empty form."""
    owner = {"contact": ContactFactory, "company": CompanyFactory, "project": ProjectFactory}[
        place
    ]()
    response = staff_client.post(
        reverse("activities:note_create") + f"?{place}={owner.pk}",
        {"text": "  ", "private": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Skriv noe i notatet." in response.text
    assert re.search(r'<input[^>]*name="private"[^>]*checked', response.text)


def test_a_saved_note_leaves_an_empty_form_in_the_tab(staff_client):
    company = CompanyFactory()
    response = staff_client.post(
        reverse("activities:note_create") + f"?company={company.pk}",
        {"text": "Ringte om tilbudet", "private": "on"},
        headers={"HX-Request": "true"},
    )
    assert "Ringte om tilbudet" in response.text
    assert not re.search(r'<input[^>]*name="private"[^>]*checked', response.text)


@pytest.mark.parametrize("slug", ["appointments", "tasks", "notes"])
def test_card_tabs_run_a_bounded_number_of_queries(
    staff_client, staff, django_assert_max_num_queries, slug
):
    contact = ContactFactory()
    company = CompanyFactory()
    start = timezone.now()
    appointments = Appointment.objects.bulk_create(
        Appointment(
            title=f"A{i}",
            start_at=start,
            end_at=start + dt.timedelta(hours=1),
            owner=staff,
            company=company,
        )
        for i in range(500)
    )
    contact.appointments.add(*appointments)
    tasks = Task.objects.bulk_create(Task(title=f"T{i}", assignee=staff) for i in range(500))
    contact.tasks.add(*tasks)
    from activities.models import Note

    Note.objects.bulk_create(Note(text=f"N{i}", author=staff, contact=contact) for i in range(500))
    url = reverse("contacts:tab", args=[contact.pk, slug])
    with django_assert_max_num_queries(14):
        response = staff_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200


def test_planner_runs_a_bounded_number_of_queries(
    staff_client, staff, django_assert_max_num_queries
):
    start = timezone.now()
    Appointment.objects.bulk_create(
        Appointment(
            title=f"A{i}",
            start_at=start + dt.timedelta(minutes=i),
            end_at=start + dt.timedelta(minutes=i + 30),
            owner=staff,
        )
        for i in range(500)
    )
    with django_assert_max_num_queries(10):
        assert staff_client.get(reverse("activities:planner")).status_code == 200


def test_appointment_status_choices_are_translated(client, staff):
    client.force_login(staff)
    assert str(AppointmentStatus.PLANNED.label)


def test_project_participants_tab_pages_long_lists(staff_client, django_assert_max_num_queries):
    project = ProjectFactory()
    project.participants.add(*[ContactFactory(last_name=f"Deltaker{i:02d}") for i in range(55)])
    url = reverse("activities:project_tab", args=[project.pk, "participants"])
    with django_assert_max_num_queries(8):
        first = staff_client.get(url).content.decode()
    assert "Deltaker49" in first and "Deltaker50" not in first and f"{url}?page=2" in first
    second = staff_client.get(url, {"page": 2}, headers={"HX-Request": "true"}).content.decode()
    assert "Deltaker50" in second and "Deltaker54" in second and "Deltaker49" not in second


@pytest.mark.parametrize(
    ("url_name", "factory", "heading"),
    [
        ("activities:appointment_create", None, "Ny avtale"),
        ("activities:appointment_update", AppointmentFactory, "Endre avtale"),
        ("activities:task_create", None, "Ny oppgave"),
        ("activities:task_update", TaskFactory, "Endre oppgave"),
    ],
)
def test_appointment_and_task_forms_say_what_they_are(staff_client, url_name, factory, heading):
    url = reverse(url_name, args=[factory().pk] if factory else [])
    html = staff_client.get(url).text
    assert re.search(rf"<title>{heading} ·", html)
    assert f'<h1 class="h3">{heading}</h1>' in html
