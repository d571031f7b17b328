"""«Ferdig» on the card's Oppgaver tab says what happened and offers «Angre», with htmx
and as plain full-page POSTs."""

import pytest
from django.urls import reverse

from activities.models import Task, TaskStatus
from history.models import Entry
from tests.activities.factories import TaskFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db

DONE_NOTICE = "Oppgaven «Send tilbud» er merket ferdig."
REOPENED_NOTICE = "Oppgaven «Send tilbud» er åpen igjen."


@pytest.fixture
def contact(db):
    return ContactFactory()


@pytest.fixture
def task(contact):
    task = TaskFactory(title="Send tilbud", status=TaskStatus.IN_PROGRESS)
    task.contacts.add(contact)
    return task


def tab_url(contact):
    return reverse("contacts:tab", args=[contact.pk, "tasks"])


def complete(client, task, contact, **headers):
    url = reverse("activities:task_complete", args=[task.pk]) + f"?contact={contact.pk}"
    return client.post(url, {"next": tab_url(contact)}, headers=headers)


def undo(client, task, contact, status, **headers):
    url = reverse("activities:task_reopen", args=[task.pk]) + f"?contact={contact.pk}"
    return client.post(url, {"status": status, "next": tab_url(contact)}, headers=headers)


def test_without_javascript_done_lands_on_the_tab_with_the_notice_and_undo(
    staff_client, contact, task
):
    response = complete(staff_client, task, contact)
    assert response.status_code == 302
    assert response["Location"] == tab_url(contact)
    page = staff_client.get(response["Location"]).content.decode()
    assert DONE_NOTICE in page
    assert 'data-testid="task-notice"' in page
    assert reverse("activities:task_reopen", args=[task.pk]) in page
    assert 'name="status" value="in_progress"' in page
    assert page.count(DONE_NOTICE) == 1  # not also among the page's messages
    # Said once: the next visit shows the tab without it.
    assert DONE_NOTICE not in staff_client.get(tab_url(contact)).content.decode()


def test_without_javascript_undo_brings_back_the_previous_status(staff_client, contact, task):
    complete(staff_client, task, contact)
    staff_client.get(tab_url(contact))
    response = undo(staff_client, task, contact, "in_progress")
    assert response.status_code == 302
    assert response["Location"] == tab_url(contact)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.completed_at is None
    page = staff_client.get(response["Location"]).content.decode()
    assert REOPENED_NOTICE in page
    assert "Send tilbud" in page.split('data-testid="task-list"')[1]  # in the list again


def test_with_htmx_done_answers_the_tab_with_the_notice(staff_client, contact, task):
    response = complete(staff_client, task, contact, HX_Request="true")
    html = response.content.decode()
    assert 'id="tab-panel"' in html and "<html" not in html
    assert DONE_NOTICE in html
    # Nothing is left over to pop up on the next page.
    assert DONE_NOTICE not in staff_client.get(reverse("home")).content.decode()
    assert "er ferdig" not in staff_client.get(reverse("home")).content.decode()


def test_with_htmx_undo_answers_the_tab_with_the_task_back(staff_client, contact, task):
    complete(staff_client, task, contact, HX_Request="true")
    response = undo(staff_client, task, contact, "in_progress", HX_Request="true")
    html = response.content.decode()
    assert 'id="tab-panel"' in html and REOPENED_NOTICE in html
    assert "Send tilbud" in html.split('data-testid="task-list"')[1]


def test_undo_is_recorded_on_the_timeline_beside_the_completion(
    staff_client, staff, contact, task
):
    complete(staff_client, task, contact)
    undo(staff_client, task, contact, "in_progress")
    verbs = list(Entry.objects.filter(contact=contact).values_list("verb", flat=True))
    assert "activities.task_completed" in verbs
    assert "activities.task_reopened" in verbs
    reopened = Entry.objects.get(contact=contact, verb="activities.task_reopened")
    assert reopened.actor == staff


def test_undo_of_a_task_no_longer_done_changes_nothing(staff_client, contact, task):
    complete(staff_client, task, contact)
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.CANCELLED)
    response = undo(staff_client, task, contact, "in_progress")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    page = staff_client.get(response["Location"]).content.decode()
    assert "ikke lenger ferdig" in page


@pytest.mark.parametrize("status", ["done", "cancelled", "", "nonsense"])
def test_undo_only_restores_an_open_status(staff_client, contact, task, status):
    complete(staff_client, task, contact)
    response = undo(staff_client, task, contact, status)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_undo_only_answers_post(staff_client, task):
    assert staff_client.get(reverse("activities:task_reopen", args=[task.pk])).status_code == 405


def test_undo_of_a_missing_task_is_404(staff_client):
    url = reverse("activities:task_reopen", args=[999999])
    assert staff_client.post(url, {"status": "not_started"}).status_code == 404


def test_undo_needs_crm_access(client, no_access_user, task):
    url = reverse("activities:task_reopen", args=[task.pk])
    assert "/accounts/login/" in client.post(url, {"status": "not_started"})["Location"]
    client.force_login(no_access_user)
    assert client.post(url, {"status": "not_started"}).status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
