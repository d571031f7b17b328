"""Crafted numbers and ids in query strings and forms (issue #14, item 4): each case that
once answered 500 now gives the page, a form error, or a 404/400."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from activities.models import Appointment, Task, TaskStatus
from companies.models import CompanyLink
from files.models import FileLink
from tests.activities.factories import ProjectFactory, TaskFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory
from tests.files.factories import FileLinkFactory
from tests.history.factories import HistoryEntryFactory

pytestmark = pytest.mark.django_db

SUPERSCRIPT = "²"  # str.isdigit() says yes, int() says no
HUGE = "99999999999999999999"  # past PostgreSQL's bigint


# --- page numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [SUPERSCRIPT, HUGE, "-3", "abc", "1\x00"])
def test_search_page_number_from_a_crafted_url_still_shows_hits(staff_client, number):
    ContactFactory(last_name="Hansen")
    response = staff_client.get(reverse("search:results"), {"q": "hans", "page": number})
    assert response.status_code == 200
    assert "Hansen" in response.content.decode()


def test_search_page_past_the_end_shows_the_last_page(staff_client):
    for n in range(60):
        ContactFactory(last_name=f"Hansen{n:02d}")
    response = staff_client.get(reverse("search:results"), {"q": "hansen", "page": HUGE})
    assert response.status_code == 200
    assert response.context["result"].page == 2
    assert "Hansen59" in response.content.decode()


@pytest.mark.parametrize(
    "tab", ["companies", "appointments", "tasks", "notes", "history", "files", "email", "orders"]
)
@pytest.mark.parametrize("number", [SUPERSCRIPT, HUGE, "-1"])
def test_card_tab_page_number_from_a_crafted_url_shows_a_page(staff_client, tab, number):
    contact = ContactFactory()
    url = reverse("contacts:tab", args=[contact.pk, tab])
    response = staff_client.get(
        url, {"page": number, "orders_page": number, "invoices_page": number}
    )
    assert response.status_code == 200


def test_card_tab_page_past_the_end_shows_the_last_page(staff_client):
    contact = ContactFactory()
    for n in range(30):
        CompanyLinkFactory(contact=contact, company=CompanyFactory(name=f"Firma {n:02d} AS"))
    url = reverse("contacts:tab", args=[contact.pk, "companies"])
    response = staff_client.get(url, {"page": HUGE})
    assert response.status_code == 200
    assert response.context["links_page"].number == 2


def test_card_tab_negative_page_shows_the_first_page(staff_client):
    contact = ContactFactory()
    for n in range(30):
        CompanyLinkFactory(contact=contact, company=CompanyFactory(name=f"Firma {n:02d} AS"))
    url = reverse("contacts:tab", args=[contact.pk, "companies"])
    response = staff_client.get(url, {"page": "-2"})
    assert response.context["links_page"].number == 1


def test_history_page_past_the_end_shows_the_last_page(staff_client):
    contact = ContactFactory()
    for _ in range(60):
        HistoryEntryFactory(contact=contact)
    url = reverse("contacts:tab", args=[contact.pk, "history"])
    response = staff_client.get(url, {"page": HUGE})
    assert response.status_code == 200
    page = response.context["history_page"]
    assert page.number == 2
    assert len(page.object_list) > 0


@pytest.mark.parametrize("number", [SUPERSCRIPT, HUGE, "-1"])
def test_list_pages_take_any_page_number(staff_client, number):
    group = Group.objects.create(name="Salg")
    project = ProjectFactory()
    company = CompanyFactory()
    for url in [
        reverse("activities:project_list"),
        reverse("activities:group_tasks", args=[group.pk]),
        reverse("activities:project_tab", args=[project.pk, "participants"]),
        reverse("companies:tab", args=[company.pk, "people"]),
        reverse("files:pick", args=["company", company.pk]),
    ]:
        assert staff_client.get(url, {"page": number}).status_code == 200, url


# --- ids in query strings --------------------------------------------------------------


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE, "-1"])
def test_planner_for_a_crafted_user_id_shows_my_own_planner(staff_client, staff, value):
    response = staff_client.get(reverse("activities:planner"), {"user": value})
    assert response.status_code == 200
    assert response.context["shown_users"] == [staff]


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE, "-1"])
@pytest.mark.parametrize("param", ["contact", "company"])
def test_new_appointment_for_a_crafted_id_is_404(staff_client, param, value):
    response = staff_client.get(reverse("activities:appointment_create"), {param: value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE])
@pytest.mark.parametrize("param", ["contact", "group"])
def test_new_task_for_a_crafted_id_is_404(staff_client, param, value):
    response = staff_client.get(reverse("activities:task_create"), {param: value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE])
@pytest.mark.parametrize("param", ["contact", "company", "project"])
def test_new_note_for_a_crafted_id_is_404_and_saves_nothing(staff_client, param, value):
    url = reverse("activities:note_create") + f"?{param}={value}"
    response = staff_client.post(url, {"text": "Ring tilbake"})
    assert response.status_code == 404
    from activities.models import Note

    assert not Note.objects.exists()


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE])
def test_group_tasks_for_a_crafted_assignee_lists_everyone(staff_client, staff, value):
    group = Group.objects.create(name="Salg")
    TaskFactory(group=group, title="Felles oppgave")
    response = staff_client.get(
        reverse("activities:group_tasks", args=[group.pk]), {"assignee": value}
    )
    assert response.status_code == 200
    assert "Felles oppgave" in response.content.decode()


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE])
def test_task_complete_with_a_crafted_contact_completes_the_task(staff_client, staff, value):
    task = TaskFactory(assignee=staff)
    url = reverse("activities:task_complete", args=[task.pk]) + f"?contact={value}"
    response = staff_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE])
def test_new_company_linked_to_a_crafted_contact_id_is_404(staff_client, value):
    response = staff_client.get(reverse("companies:create"), {"link_contact": value})
    assert response.status_code == 404


# --- ids in forms ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE, "-1"])
def test_appointment_with_crafted_contact_and_company_ids_keeps_what_was_typed(
    staff_client, value
):
    response = staff_client.post(
        reverse("activities:appointment_create"),
        {
            "title": "Møte med regnskap",
            "start_date": "02.03.2026",
            "start_time": "10:00",
            "end_time": "11:00",
            "status": "planned",
            "contacts": [value],
            "company": value,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Møte med regnskap" in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE])
def test_task_with_a_crafted_contact_id_keeps_what_was_typed(staff_client, value):
    response = staff_client.post(
        reverse("activities:task_create"),
        {"title": "Send tilbud", "status": "not_started", "priority": "normal", "contacts": value},
    )
    assert response.status_code == 200
    assert "contacts" in response.context["form"].errors
    assert "Send tilbud" in response.content.decode()
    assert not Task.objects.exists()


@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", HUGE, "-1"])
def test_picking_a_crafted_file_id_asks_to_mark_a_file(staff_client, value):
    company = CompanyFactory()
    FileLinkFactory()  # a file elsewhere that could be picked
    url = reverse("files:pick", args=["company", company.pk])
    response = staff_client.post(url, {"file": [value]}, follow=True)
    assert response.status_code in (200, 400)
    assert "Merk én eller flere filer i listen først." in response.content.decode()
    assert not FileLink.objects.filter(company=company).exists()


NUL_REFUSED = "Null-tegn er ikke tillatt."  # Django's own message, in Norwegian


@pytest.mark.parametrize(
    ("value", "message"),
    [(v, "Merk en bedrift i listen først.") for v in [SUPERSCRIPT, "abc", HUGE, "-1"]]
    + [("\x00", NUL_REFUSED)],
)
def test_linking_a_crafted_company_id_asks_to_mark_a_company(staff_client, value, message):
    contact = ContactFactory()
    url = reverse("companies:link_company", args=[contact.pk])
    response = staff_client.post(url, {"company": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CompanyLink.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [(v, "Merk en person i listen først.") for v in [SUPERSCRIPT, "abc", HUGE, "-1"]]
    + [("\x00", NUL_REFUSED)],
)
def test_linking_a_crafted_contact_id_asks_to_mark_a_person(staff_client, value, message):
    company = CompanyFactory()
    url = reverse("companies:link_contact", args=[company.pk])
    response = staff_client.post(url, {"contact": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CompanyLink.objects.exists()


# --- text that PostgreSQL cannot hold --------------------------------------------------


def test_live_searches_with_a_nul_character_answer(staff_client):
    contact = ContactFactory()
    company = CompanyFactory()
    for url, param in [
        (reverse("companies:link_company", args=[contact.pk]), "q"),
        (reverse("companies:link_contact", args=[company.pk]), "q"),
        (reverse("activities:pick_contacts"), "contact_q"),
        (reverse("activities:pick_company"), "company_q"),
        (reverse("files:pick", args=["company", company.pk]), "q"),
        (reverse("search:results"), "q"),
        (reverse("search:results"), "company"),
    ]:
        response = staff_client.get(url, {param: "Han\x00sen"})
        assert response.status_code in (200, 400), (url, param)


def test_admin_search_with_a_nul_character_answers(client, firm_admin):
    client.force_login(firm_admin)
    response = client.get(reverse("admin:contacts_contact_changelist"), {"q": "Han\x00sen"})
    assert response.status_code in (200, 400)


# --- where to go back to ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", SUPERSCRIPT, HUGE, "https://evil.example/", "//x"])
def test_a_next_that_is_no_path_of_ours_goes_to_the_default_page(staff_client, staff, value):
    task = TaskFactory(assignee=staff)
    response = staff_client.post(
        reverse("activities:task_delete", args=[task.pk]), {"next": value}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not Task.objects.filter(pk=task.pk).exists()


# --- the e-mail subject ----------------------------------------------------------------


@pytest.mark.parametrize("subject", ["Tilbud\r\nBcc: alle@example.no", "Tilbud\nX", "A\rB"])
def test_a_subject_with_a_line_break_is_refused_with_a_clear_message(staff_client, staff, subject):
    from mailbox.models import OutgoingMail
    from tests.mailbox.factories import MailAccountFactory

    MailAccountFactory(user=staff, smtp_host="smtp.firma.no")  # the staff's way out
    contact = ContactFactory()
    ContactEmailFactory(contact=contact, email="pat@example.no")
    response = staff_client.post(
        reverse("mailbox:compose", args=[contact.pk]),
        {"to": "pat@example.no", "subject": subject, "body": "Hei Pat, her er tilbudet."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["subject"] == ["Emnet kan ikke ha linjeskift."]
    assert "Hei Pat, her er tilbudet." in response.content.decode()
    assert mail.outbox == []
    assert not OutgoingMail.objects.exists()


# --- logging in and Django admin ---------------------------------------------------------


@pytest.mark.parametrize("username", ["x" * 300, "ola\x00"])
def test_login_with_a_crafted_user_name_shows_the_form_again(client, username):
    response = client.post(reverse("login"), {"username": username, "password": "pw-for-tests-1"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_admin_page_for_a_text_key_with_a_nul_character_is_404(client, firm_admin):
    from tests.orders.factories import InvoiceCounterFactory

    InvoiceCounterFactory()
    client.force_login(firm_admin)
    response = client.get("/admin/orders/invoicecounter/invoice%00/change/")
    assert response.status_code == 404


@pytest.mark.parametrize("model", ["smsmessage", "numberlookup"])
def test_records_of_sent_sms_and_lookups_are_not_added_in_admin(client, firm_admin, model):
    client.force_login(firm_admin)
    url = reverse(f"admin:cardservices_{model}_add")
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "Hei"}).status_code == 403


# --- how many order lines ---------------------------------------------------------------


def test_an_order_form_claiming_more_lines_than_posted_shows_the_posted_ones(staff_client):
    from tests.contacts.factories import CustomerContactFactory

    contact = CustomerContactFactory()
    response = staff_client.post(
        reverse("orders:create_for_contact", args=[contact.pk]),
        {
            "date": "",  # missing: the form comes back with the lines
            "lines-TOTAL_FORMS": HUGE,
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Konsulenttime",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "950",
            "lines-0-vat_rate": "25",
        },
    )
    assert response.status_code == 200
    assert len(response.context["lines"].forms) == 1
    assert "Konsulenttime" in response.content.decode()
