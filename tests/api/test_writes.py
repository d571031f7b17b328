"""Writes go through the pages' forms and services: their refusals, word for word."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from activities.models import Appointment
from contacts.forms import ContactForm
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _send(client, method, url, body, auth):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **auth)


def test_a_refused_contact_says_what_the_page_says(client, staff_auth):
    page = ContactForm(data={"last_name": " ", "emails": "ikke-en-adresse", "country": "NO"})
    assert not page.is_valid()
    response = _send(
        client,
        "post",
        "/api/v1/contacts",
        {"last_name": " ", "emails": ["ikke-en-adresse"]},
        staff_auth,
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["last_name"] == list(dict.fromkeys(page.errors["last_name"]))
    assert errors["emails"] == page.errors["emails"]


def test_the_delete_service_refuses_a_contact_with_orders(client, staff_auth):
    order = OrderFactory()
    response = client.delete(f"/api/v1/contacts/{order.contact_id}", **staff_auth)
    assert response.status_code == 422
    assert "kan ikke slettes" in response.json()["errors"]["__all__"][0]


def test_linking_a_person_twice_to_one_company_is_refused_by_the_service(client, staff_auth):
    link = CompanyLinkFactory()
    response = _send(
        client,
        "post",
        "/api/v1/company-links",
        {"contact": link.contact_id, "company": link.company_id},
        staff_auth,
    )
    assert response.status_code == 422


def test_an_appointment_ending_before_it_starts_is_refused_by_the_form(client, staff_auth):
    start = timezone.now() + dt.timedelta(days=1)
    response = _send(
        client,
        "post",
        "/api/v1/appointments",
        {
            "title": "Møte",
            "start_at": start.isoformat(),
            "end_at": (start - dt.timedelta(hours=1)).isoformat(),
        },
        staff_auth,
    )
    assert response.status_code == 422
    assert response.json()["errors"]["end_time"] == ["Slutt må være etter start."]
    assert not Appointment.objects.exists()


def test_an_appointment_keeps_its_moments_in_iso_8601(client, staff, staff_auth):
    start = (timezone.localtime() + dt.timedelta(days=2)).replace(
        hour=10, minute=30, second=0, microsecond=0
    )
    created = _send(
        client,
        "post",
        "/api/v1/appointments",
        {
            "title": "Befaring",
            "start_at": start.isoformat(),
            "end_at": (start + dt.timedelta(minutes=45)).isoformat(),
        },
        staff_auth,
    ).json()
    assert dt.datetime.fromisoformat(created["start_at"]) == start
    assert created["participants"] == [staff.pk] and created["owner"] == staff.pk
    moved = _send(
        client,
        "patch",
        f"/api/v1/appointments/{created['id']}",
        {
            "start_at": (start + dt.timedelta(hours=1)).isoformat(),
            "end_at": (start + dt.timedelta(hours=2)).isoformat(),
        },
        staff_auth,
    ).json()
    assert dt.datetime.fromisoformat(moved["start_at"]) == start + dt.timedelta(hours=1)
    assert moved["title"] == "Befaring"


def test_a_company_note_names_only_the_companys_people(client, staff_auth):
    company = CompanyFactory()
    stranger = ContactFactory()
    response = _send(
        client,
        "post",
        "/api/v1/notes",
        {"company": company.pk, "text": "Møte", "contact_persons": [stranger.pk]},
        staff_auth,
    )
    assert response.status_code == 422
    assert "contact_persons" in response.json()["errors"]


def test_a_file_is_uploaded_and_downloaded_with_its_bytes(client, staff_auth):
    from django.core.files.uploadedfile import SimpleUploadedFile

    contact = ContactFactory()
    upload = SimpleUploadedFile("tilbud.txt", b"Tilbud: 12 000 kr\n")
    created = client.post(
        "/api/v1/files", {"contact": contact.pk, "file": upload}, **staff_auth
    ).json()
    assert created["name"] == "tilbud.txt" and created["size"] == 18
    listed = client.get(f"/api/v1/files?contact={contact.pk}", **staff_auth).json()
    assert [f["id"] for f in listed["results"]] == [created["id"]]
    download = client.get(f"/api/v1/files/{created['id']}/download", **staff_auth)
    assert b"".join(download.streaming_content) == b"Tilbud: 12 000 kr\n"
    assert "attachment" in download["Content-Disposition"]


def test_an_upload_over_the_limit_is_refused(client, staff_auth, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FILES_MAX_UPLOAD_MB = 0
    upload = SimpleUploadedFile("stor.bin", b"x" * 10)
    response = client.post(
        "/api/v1/files", {"contact": ContactFactory().pk, "file": upload}, **staff_auth
    )
    assert response.status_code == 422
