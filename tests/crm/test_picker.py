"""The one picker (crm/picker.py) without JavaScript, its search endpoints and access."""

import pytest
from django.urls import reverse

from activities.models import Appointment, Task
from files.models import FileLink
from mailbox.services.email_lock import contact_email_lock
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.crm.factories import UserFactory
from tests.files.factories import FileLinkFactory
from tests.mailbox.factories import MessageAttachmentFactory, MessageContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    arne = ContactFactory(first_name="Arne", last_name="Johansen")
    andrea = ContactFactory(first_name="Andrea", last_name="Thorsen")
    return arne, andrea


def _chip(pk, name="contacts") -> str:
    return f'<input type="hidden" name="{name}" value="{pk}">'


TASK = {"status": "not_started", "priority": 2}


# --- without JavaScript: the search posts the form, and the page comes back -------------


def test_a_search_without_javascript_keeps_the_chosen_and_offers_the_found(staff_client, people):
    arne, andrea = people
    url = reverse("activities:task_create")
    response = staff_client.post(
        url,
        {
            **TASK,
            "title": "",
            "contacts": [arne.pk],
            "contact_q": "thorsen",
            "picker_search": "contacts",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert not Task.objects.exists()
    assert "En oppgave må ha en tittel." not in text  # a search, not a save
    assert _chip(arne.pk) in text
    assert f'name="contacts" value="{andrea.pk}" id="picker-contacts-found-{andrea.pk}"' in text
    assert 'value="thorsen"' in text
    # Ticking Andrea and saving keeps Arne, who was chosen in the earlier search.
    staff_client.post(url, {**TASK, "title": "Ring begge", "contacts": [arne.pk, andrea.pk]})
    assert set(Task.objects.get(title="Ring begge").contacts.all()) == {arne, andrea}


def test_a_chip_marked_remove_without_javascript_is_not_saved(staff_client, people):
    arne, andrea = people
    staff_client.post(
        reverse("activities:task_create"),
        {
            **TASK,
            "title": "Bare Andrea",
            "contacts": [arne.pk, andrea.pk],
            "contacts_unpick": [arne.pk],
        },
    )
    assert list(Task.objects.get(title="Bare Andrea").contacts.all()) == [andrea]


def test_a_company_ticked_below_the_chip_replaces_it_without_javascript(staff_client):
    old, new = CompanyFactory(name="Gammel AS"), CompanyFactory(name="Ny AS")
    staff_client.post(
        reverse("activities:task_create"),
        {**TASK, "title": "Bytt bedrift", "company": [old.pk, new.pk]},
    )
    assert Task.objects.get(title="Bytt bedrift").company == new


def test_a_form_error_shows_the_chosen_again(staff_client, people):
    arne, andrea = people
    company = CompanyFactory(name="Fjordkraft AS")
    response = staff_client.post(
        reverse("activities:appointment_create"),
        {
            "title": "",
            "start_date": "02.03.2026",
            "start_time": "10:00",
            "end_time": "11:00",
            "status": "planned",
            "contacts": [arne.pk, andrea.pk],
            "company": company.pk,
        },
    )
    text = response.content.decode()
    assert "En avtale må ha en tittel." in text
    assert _chip(arne.pk) in text and _chip(andrea.pk) in text
    assert _chip(company.pk, "company") in text
    assert not Appointment.objects.exists()


def test_the_project_form_has_one_participant_control(staff_client):
    ContactFactory.create_batch(3)
    text = staff_client.get(reverse("activities:project_create")).content.decode()
    assert text.count("Deltakere</legend>") == 1
    assert "Deltakere" not in text.split("<legend")[0].split("<form")[-1]  # no second label
    assert 'id="id_contacts"' not in text  # no list box of every contact


# --- users: «Deltakende brukere» and «Ansvarlig» ------------------------------------------

APPOINTMENT = {
    "title": "Møte",
    "start_date": "02.03.2026",
    "start_time": "10:00",
    "end_time": "11:00",
    "status": "planned",
}


@pytest.fixture
def colleagues():
    kari = UserFactory(first_name="Kari", last_name="Nordmann")
    ola = UserFactory(first_name="Ola", last_name="Hansen")
    return kari, ola


def test_a_form_error_shows_the_chosen_users_again_by_name(staff_client, colleagues):
    kari, ola = colleagues
    response = staff_client.post(
        reverse("activities:appointment_create"),
        {**APPOINTMENT, "title": "", "participants": [kari.pk, ola.pk]},
    )
    text = response.content.decode()
    assert "En avtale må ha en tittel." in text
    assert _chip(kari.pk, "participants") in text and _chip(ola.pk, "participants") in text
    assert "Kari Nordmann" in text and "Ola Hansen" in text
    assert not Appointment.objects.exists()


def test_a_user_search_without_javascript_keeps_the_chosen_and_offers_the_found(
    staff_client, staff, colleagues
):
    kari, ola = colleagues
    url = reverse("activities:appointment_create")
    response = staff_client.post(
        url,
        {
            **APPOINTMENT,
            "participants": [kari.pk],
            "participants_q": "hansen",
            "picker_search": "participants",
        },
    )
    text = response.content.decode()
    assert not Appointment.objects.exists()
    assert _chip(kari.pk, "participants") in text
    assert f'name="participants" value="{ola.pk}" id="picker-participants-found-{ola.pk}"' in text
    staff_client.post(url, {**APPOINTMENT, "participants": [kari.pk, ola.pk]})
    assert set(Appointment.objects.get().participants.all()) == {kari, ola}


def test_the_assignee_is_one_user_chip_and_a_new_pick_replaces_it(staff_client, staff, colleagues):
    kari, ola = colleagues
    url = reverse("activities:task_create")
    text = staff_client.get(url).content.decode()
    assert _chip(staff.pk, "assignee") in text  # «Ny oppgave» is mine to begin with
    assert 'id="id_assignee"' not in text  # no select of every user
    # Without JavaScript, a radio ticked below the chip replaces it.
    staff_client.post(url, {**TASK, "title": "Til Ola", "assignee": [kari.pk, ola.pk]})
    assert Task.objects.get(title="Til Ola").assignee == ola
    staff_client.post(
        url, {**TASK, "title": "Til ingen", "assignee": [kari.pk], "assignee_unpick": [kari.pk]}
    )
    assert Task.objects.get(title="Til ingen").assignee is None


def test_an_existing_task_shows_its_assignee_as_a_chip(staff_client, colleagues):
    kari, _ola = colleagues
    staff_client.post(
        reverse("activities:task_create"), {**TASK, "title": "T", "assignee": kari.pk}
    )
    task = Task.objects.get(title="T")
    text = staff_client.get(reverse("activities:task_update", args=[task.pk])).content.decode()
    assert _chip(kari.pk, "assignee") in text and "Kari Nordmann" in text


def test_users_without_crm_access_or_inactive_are_never_offered(staff_client, colleagues):
    kari, _ola = colleagues
    outsider = UserFactory(first_name="Kari", last_name="Utenfor", crm_access=False)
    gone = UserFactory(first_name="Kari", last_name="Sluttet")
    gone.is_active = False
    gone.save()
    url = reverse("pick_users", args=["participants"])
    text = staff_client.get(url, {"participants_q": "kari"}).content.decode()
    assert "Kari Nordmann" in text
    assert "Utenfor" not in text and "Sluttet" not in text
    # Nor taken when their ids are posted anyway.
    response = staff_client.post(
        reverse("activities:appointment_create"),
        {**APPOINTMENT, "participants": [outsider.pk, gone.pk]},
    )
    assert not Appointment.objects.filter(participants__in=[outsider, gone]).exists()
    assert "Utenfor" not in response.content.decode()


def test_the_user_search_finds_by_full_name_and_names_users_by_full_name(staff_client, colleagues):
    url = reverse("pick_users", args=["assignee"])
    text = staff_client.get(url, {"assignee_q": "kari nord"}).content.decode()
    assert 'type="radio"' in text and "Kari Nordmann" in text and "Ola Hansen" not in text


# --- «Hent fra systemet» without JavaScript ---------------------------------------------


def test_pick_from_the_system_keeps_filter_and_ticks_when_linking_fails(staff_client):
    place = ContactFactory()
    wanted = FileLinkFactory(file__name="kontrakt-fjord.pdf")
    url = reverse("files:pick", args=["contact", place.pk])
    # A search that keeps the tick (as «Søk» without JavaScript sends it).
    response = staff_client.post(
        url, {"q": "kontrakt", "in": "all", "file": [wanted.file_id], "picker_search": "file"}
    )
    text = response.content.decode()
    assert _chip(wanted.file_id, "file") in text and 'value="kontrakt"' in text
    # «Koble hit» with nothing marked: the same page, the filter still there, nothing linked.
    response = staff_client.post(url, {"q": "kontrakt", "in": "company"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Merk én eller flere filer i listen først." in text
    assert 'value="kontrakt"' in text and '<option value="company" selected>' in text
    assert not FileLink.objects.filter(contact=place).exists()
    response = staff_client.post(url, {"q": "kontrakt", "file": [wanted.file_id]})
    assert response.status_code == 302
    assert FileLink.objects.filter(contact=place, file=wanted.file).exists()


# --- access ------------------------------------------------------------------------------


@pytest.fixture
def locked_file(firm_admin):
    """A locked contact's e-mail attachment that is also in a file area: hidden from
    everyone but the firm's administrators."""
    contact = ContactFactory()
    attachment = MessageAttachmentFactory(file__name="hemmelig-kontrakt.pdf")
    MessageContactFactory(message=attachment.message, contact=contact)
    FileLinkFactory(file=attachment.file, contact=ContactFactory())
    contact_email_lock(contact=contact, actor=firm_admin)
    return attachment.file


def test_a_hidden_file_is_never_offered_nor_shown_as_chosen(staff_client, locked_file):
    place = ContactFactory()
    url = reverse("files:pick", args=["contact", place.pk])
    offered = staff_client.get(url, {"q": "kontrakt"}).content.decode()
    assert "hemmelig-kontrakt.pdf" not in offered
    response = staff_client.post(
        url, {"q": "kontrakt", "file": [locked_file.pk], "picker_search": "file"}
    )
    assert "hemmelig-kontrakt.pdf" not in response.content.decode()
    staff_client.post(url, {"file": [locked_file.pk]})
    assert not FileLink.objects.filter(contact=place).exists()


def _picker_urls():
    place = ContactFactory()
    return [
        reverse("activities:pick_contacts") + "?contact_q=johansen",
        reverse("activities:pick_company") + "?company_q=fjord",
        reverse("pick_users", args=["participants"]) + "?participants_q=kari",
        reverse("files:pick", args=["contact", place.pk]) + "?q=kontrakt",
    ]


def test_anonymous_users_are_sent_to_login_from_the_pickers(client):
    for url in _picker_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_user_search_is_only_for_the_user_fields(staff_client):
    url = reverse("pick_users", args=["password"])
    assert staff_client.get(url, {"password_q": "kari"}).status_code == 404


def test_users_without_crm_access_may_not_search_the_pickers(client, no_access_user):
    client.force_login(no_access_user)
    for url in _picker_urls():
        assert client.get(url).status_code == 403, url


# --- query budgets -------------------------------------------------------------------------


def test_the_contact_search_costs_the_same_for_many_hits(
    staff_client, django_assert_max_num_queries
):
    ContactFactory.create_batch(30, last_name="Johansen")
    url = reverse("activities:pick_contacts")
    with django_assert_max_num_queries(4):
        response = staff_client.get(url, {"contact_q": "johansen"})
    assert response.content.decode().count("data-picker-option") == 15


def test_the_company_search_costs_the_same_for_many_hits(
    staff_client, django_assert_max_num_queries
):
    CompanyFactory.create_batch(20, name="Fjord AS")
    with django_assert_max_num_queries(4):
        response = staff_client.get(reverse("activities:pick_company"), {"company_q": "fjord"})
    assert response.content.decode().count("data-picker-option") == 15


def test_the_user_search_costs_the_same_for_many_hits(staff_client, django_assert_max_num_queries):
    UserFactory.create_batch(30, last_name="Nordmann")
    url = reverse("pick_users", args=["participants"])
    with django_assert_max_num_queries(4):
        response = staff_client.get(url, {"participants_q": "nordmann"})
    assert response.content.decode().count("data-picker-option") == 15


def test_the_file_search_costs_the_same_for_many_files_and_chips(
    staff_client, django_assert_max_num_queries
):
    links = FileLinkFactory.create_batch(30, file__name="kontrakt.pdf")
    url = reverse("files:pick", args=["contact", ContactFactory().pk])
    chosen = [link.file_id for link in links[:10]]
    with django_assert_max_num_queries(10):
        response = staff_client.get(
            url,
            {"q": "kontrakt", "file": chosen},
            headers={"HX-Request": "true", "HX-Target": "picker-file-results"},
        )
    assert response.content.decode().count('data-testid="pick-row"') == 25
