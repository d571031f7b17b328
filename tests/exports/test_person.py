"""One person: the vCard on the card, the export of their own data (admins), and
their erasure (admins), which keeps the invoices' legal minimum and nothing else."""

import datetime as dt
import io
import json
import zipfile

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from activities.models import Appointment, Note, Task
from companies.models import CompanyLink
from contacts.models import Contact, ContactEmail
from exports.models import Erasure
from files.models import StoredFile
from history.models import ContactEmailEvent, ContactEvent, Entry
from mailbox.models import Message
from orders.models import Invoice, Order
from tests.activities.factories import AppointmentFactory, NoteFactory, TaskFactory
from tests.cardservices.factories import SmsMessageFactory
from tests.companies.factories import CompanyLinkFactory
from tests.contacts.factories import ContactEmailFactory, ContactFactory, CustomerContactFactory
from tests.files.factories import FileLinkFactory
from tests.mailbox.factories import MessageContactFactory
from tests.orders.factories import InvoiceFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


# --- «Last ned vCard» -------------------------------------------------------------------


def test_vcard_of_one_contact_opens_in_vobject(staff_client):
    contact = ContactFactory(
        first_name="Kari", last_name="Nordmann", mobile="+4741234567", street_address="Gata 1"
    )
    ContactEmailFactory(contact=contact, email="kari@example.no")
    CompanyLinkFactory(contact=contact, company__name="Aune Handel DA", position="Daglig leder")
    response = staff_client.get(reverse("exports:vcard", args=[contact.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    card = vobject.readOne(b"".join(response).decode())
    assert card.version.value == "3.0"
    assert card.fn.value == "Kari Nordmann"
    assert card.org.value == ["Aune Handel DA"] and card.title.value == "Daglig leder"
    assert card.tel.value == "+4741234567" and card.tel.params["TYPE"] == ["CELL"]
    assert card.email.value == "kari@example.no"
    assert card.adr.value.code == "0150"


def test_vcard_download_is_on_the_timeline(staff_client, staff):
    contact = ContactFactory()
    staff_client.get(reverse("exports:vcard", args=[contact.pk]))
    entry = Entry.objects.get(contact=contact, verb="exports.exported")
    assert entry.actor == staff
    page = staff_client.get(reverse("contacts:tab", args=[contact.pk, "history"]))
    assert "Eksportert av" in page.content.decode()


def test_card_shows_vcard_to_staff_and_personal_data_buttons_to_admins(client, staff, firm_admin):
    contact = ContactFactory()
    client.force_login(staff)
    page = client.get(contact.get_absolute_url()).content.decode()
    assert "Last ned vCard" in page and "Eksporter personopplysninger" not in page
    client.force_login(firm_admin)
    page = client.get(contact.get_absolute_url()).content.decode()
    assert "Eksporter personopplysninger" in page and "Slett personopplysninger" in page


def test_vcard_of_a_missing_contact_is_404(staff_client):
    assert staff_client.get(reverse("exports:vcard", args=[999999])).status_code == 404


# --- the person's own data -------------------------------------------------------------


@pytest.fixture
def person(staff, other_staff, firm_admin):
    """A private customer with one of every kind of data."""
    contact = CustomerContactFactory(first_name="Per", last_name="Persen")
    ContactEmailFactory(contact=contact, email="per@example.no")
    CompanyLinkFactory(contact=contact, company__name="Aune Handel DA", position="Sjef")
    appointment = AppointmentFactory(title="Møte med Per")
    appointment.contacts.add(contact)
    task = TaskFactory(title="Ring Per")
    task.contacts.add(contact)
    NoteFactory(contact=contact, author=staff, text="Felles om Per")
    NoteFactory(contact=contact, author=other_staff, private=True, text="Andres hemmelighet")
    NoteFactory(contact=contact, author=firm_admin, private=True, text="Adminens eget")
    MessageContactFactory(contact=contact, message__subject="Tilbud til Per")
    FileLinkFactory(contact=contact, file__name="kontrakt.txt", file__content=b"Kontrakt for Per")
    SmsMessageFactory(contact=contact, text="Hei Per")
    order = OrderFactory(contact=contact, reference="Per sin ref", status="invoiced")
    OrderLineFactory(order=order, description="Konsulenttime")
    InvoiceFactory(order=order, customer_address="Gata 1\n0150 Oslo")
    return contact


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response)))


def test_person_export_contains_every_kind_of_data(client, firm_admin, person):
    client.force_login(firm_admin)
    archive = _zip(client.post(reverse("exports:personal_data", args=[person.pk])))
    data = json.loads(archive.read("data.json"))
    assert data["contact"]["last_name"] == "Persen"
    assert data["contact"]["emails"] == ["per@example.no"]
    assert data["company_links"][0]["company"] == "Aune Handel DA"
    assert data["appointments"][0]["title"] == "Møte med Per"
    assert data["tasks"][0]["title"] == "Ring Per"
    assert {n["text"] for n in data["notes"]} == {"Felles om Per", "Adminens eget"}
    assert data["history"]  # created, e-mail added, linked …
    assert data["orders"][0]["lines"][0]["description"] == "Konsulenttime"
    assert data["invoices"][0]["customer_name"] == "Per Persen"
    assert data["email_messages"][0]["subject"] == "Tilbud til Per"
    assert data["sms_messages"][0]["text"] == "Hei Per"
    path = data["files"][0]["path"]
    assert archive.read(path) == b"Kontrakt for Per"
    summary = archive.read("summary.html").decode()
    assert "Persen" in summary and "Møte med Per" in summary


def test_person_export_query_count_is_bounded(
    client, firm_admin, person, django_assert_max_num_queries
):
    for i in range(5):
        NoteFactory(contact=person, author=firm_admin, text=f"Mer {i}")
        MessageContactFactory(contact=person)
        FileLinkFactory(contact=person)
    client.force_login(firm_admin)
    with django_assert_max_num_queries(40):
        archive = _zip(client.post(reverse("exports:personal_data", args=[person.pk])))
    assert len(json.loads(archive.read("data.json"))["files"]) == 6


def test_person_export_leaves_out_other_users_private_notes(client, firm_admin, person):
    client.force_login(firm_admin)
    archive = _zip(client.post(reverse("exports:personal_data", args=[person.pk])))
    for name in archive.namelist():
        assert b"Andres hemmelighet" not in archive.read(name)


def test_person_export_is_on_the_timeline(client, firm_admin, person):
    client.force_login(firm_admin)
    client.post(reverse("exports:personal_data", args=[person.pk]))
    assert Entry.objects.filter(contact=person, verb="exports.personal_data_exported").exists()


# --- erasure ---------------------------------------------------------------------------


def test_erasure_keeps_the_invoices_legal_minimum_and_removes_the_rest(client, firm_admin, person):
    invoice = Invoice.objects.get(order__contact=person)
    old_order = OrderFactory(contact=person, status="invoiced", reference="gammel")
    old = InvoiceFactory(order=old_order, invoice_date=dt.date(2015, 3, 1))
    draft = OrderFactory(contact=person, reference="utkast")
    client.force_login(firm_admin)
    page = client.get(reverse("exports:erase", args=[person.pk]))
    assert page.status_code == 200 and "Slettet person" in page.content.decode()
    response = client.post(reverse("exports:erase", args=[person.pk]))
    assert response.status_code == 302

    invoice.refresh_from_db()
    # The legal minimum, as issued: number, dates, buyer, lines and amounts.
    assert invoice.customer_name == "Per Persen"
    assert invoice.customer_address == "Gata 1\n0150 Oslo"
    assert invoice.order.lines.count() == 1
    assert invoice.order.reference == ""
    old.refresh_from_db()
    assert old.customer_name == "Anonymisert" and old.customer_address == ""
    assert not Order.objects.filter(pk=draft.pk).exists()

    placeholder = Contact.objects.get(pk=person.pk)
    assert placeholder.last_name == "Slettet person" and placeholder.first_name == ""
    assert not placeholder.mobile and not ContactEmail.objects.filter(contact=person).exists()
    assert not CompanyLink.objects.filter(contact=person).exists()
    assert not Appointment.objects.filter(title="Møte med Per").exists()
    assert not Task.objects.filter(title="Ring Per").exists()
    assert not Note.objects.filter(contact=person).exists()
    assert not Message.objects.filter(subject="Tilbud til Per").exists()
    assert not StoredFile.objects.filter(name="kontrakt.txt").exists()
    assert not placeholder.sms_messages.exists()
    # The history keeps only the erasure: by whom, when. No snapshot holds the old values.
    entries = list(Entry.objects.filter(contact=person))
    assert [(e.verb, e.actor) for e in entries] == [("exports.erased", firm_admin)]
    assert not ContactEvent.objects.filter(pgh_obj_id=person.pk).exists()
    assert not ContactEmailEvent.objects.filter(contact_id=person.pk).exists()
    assert not Entry.objects.filter(data__person__icontains="Persen").exists()
    erasure = Erasure.objects.get()
    assert (erasure.contact_id, erasure.actor, erasure.kept_invoices) == (person.pk, firm_admin, 1)


def test_erasure_without_invoices_deletes_the_person_and_keeps_the_record(client, firm_admin):
    contact = ContactFactory(last_name="Borte")
    ContactEmailFactory(contact=contact)
    shared = AppointmentFactory(title="Felles møte")
    other = ContactFactory()
    shared.contacts.add(contact, other)
    client.force_login(firm_admin)
    client.post(reverse("exports:erase", args=[contact.pk]))
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactEvent.objects.filter(pgh_obj_id=contact.pk).exists()
    assert list(Appointment.objects.get(pk=shared.pk).contacts.all()) == [other]
    assert Erasure.objects.get().contact_id == contact.pk


def test_invoices_older_than_five_full_years_are_not_kept():
    from exports.services import retained_until

    assert retained_until(dt.date(2020, 6, 1)) == dt.date(2026, 1, 1)
    assert timezone.localdate() < retained_until(timezone.localdate())


# --- access ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["personal_data", "erase"])
def test_staff_cannot_export_or_erase_a_person(staff_client, name):
    contact = ContactFactory()
    assert staff_client.post(reverse(f"exports:{name}", args=[contact.pk])).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("name", ["vcard", "personal_data", "erase"])
def test_anonymous_goes_to_login(client, name):
    contact = ContactFactory()
    response = client.post(reverse(f"exports:{name}", args=[contact.pk]))
    if name == "vcard":
        response = client.get(reverse(f"exports:{name}", args=[contact.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["vcard", "erase"])
def test_no_crm_access_is_refused(client, no_access_user, name):
    client.force_login(no_access_user)
    contact = ContactFactory()
    assert client.get(reverse(f"exports:{name}", args=[contact.pk])).status_code == 403


def test_admin_on_a_missing_person_gets_404(client, firm_admin):
    client.force_login(firm_admin)
    assert client.post(reverse("exports:personal_data", args=[999999])).status_code == 404
    assert client.get(reverse("exports:erase", args=[999999])).status_code == 404


def test_vcard_query_count_is_bounded(staff_client, django_assert_max_num_queries):
    contact = ContactFactory()
    for _ in range(5):
        ContactEmailFactory(contact=contact)
        CompanyLinkFactory(contact=contact)
    with django_assert_max_num_queries(10):
        staff_client.get(reverse("exports:vcard", args=[contact.pk]))
