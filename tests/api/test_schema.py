"""The OpenAPI schema at /api/v1/openapi.json: valid OpenAPI 3.1, and every operation in it
answered as documented (the test enumerates the schema, so a new endpoint without a
sample here fails)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from api.routes import api
from tests.activities.factories import (
    AppointmentFactory,
    NoteFactory,
    ProjectFactory,
    TaskFactory,
)
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory
from tests.files.factories import FileLinkFactory
from tests.orders.factories import InvoiceFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"


def _schema() -> dict:
    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


def _operations():
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


START = (timezone.localtime() + dt.timedelta(days=1)).replace(
    hour=9, minute=0, second=0, microsecond=0
)

# What each operation is sent: a body that the page's form takes.
BODIES = {
    "contact_create": {"first_name": "Kari", "last_name": "Nordmann", "emails": ["kari@x.no"]},
    "contact_update": {"city": "Bergen"},
    "contact_email_lock": {"locked": True},
    "company_create": {"name": "Fjord AS"},
    "company_update": {"website": "https://fjord.no"},
    "company_link_create": {"position": "Daglig leder"},
    "company_link_update": {"position": "Styreleder"},
    "appointment_create": {
        "title": "Kundemøte",
        "start_at": START.isoformat(),
        "end_at": (START + dt.timedelta(hours=1)).isoformat(),
    },
    "appointment_update": {"location": "Oslo"},
    "task_create": {"title": "Ring kunden"},
    "task_update": {"priority": 3},
    "note_create": {"text": "Ringte, ville ha tilbud."},
    "note_update": {"text": "Ringte, fikk tilbud."},
    "project_create": {"name": "Nytt nettsted"},
    "project_update": {"status": "completed"},
}


@pytest.fixture
def world(firm_admin):
    """One of everything, the notes by the caller."""
    contact = ContactFactory()
    company = CompanyFactory()
    link = CompanyLinkFactory(contact=contact, company=company)
    invoice = InvoiceFactory()
    OrderLineFactory(order=invoice.order)
    return {
        "contact_id": contact.pk,
        "company_id": company.pk,
        "link_id": link.pk,
        "appointment_id": AppointmentFactory(owner=firm_admin).pk,
        "task_id": TaskFactory().pk,
        "note_id": NoteFactory(author=firm_admin, contact=contact).pk,
        "project_id": ProjectFactory().pk,
        "file_id": FileLinkFactory(contact=contact).file_id,
        "order_id": invoice.order_id,
        "invoice_id": invoice.pk,
        "other_contact": ContactFactory().pk,
    }


def _no_duplicate_keys(pairs):
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"a key twice in {keys}"
    return dict(pairs)


def test_the_schema_is_valid_openapi_3_1(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content, object_pairs_hook=_no_duplicate_keys)
    assert schema["openapi"].startswith("3.1")
    validate(schema)


def test_the_schema_names_every_resource_of_the_api():
    paths = {path for _method, path, _op in _operations()}
    for resource in (
        "contacts",
        "companies",
        "company-links",
        "appointments",
        "tasks",
        "notes",
        "projects",
        "files",
        "orders",
        "invoices",
    ):
        assert f"{PREFIX}/{resource}" in paths


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    list(_operations()),
    ids=[op["operationId"] for _m, _p, op in _operations()],
)
def test_every_operation_answers_as_documented(client, admin_auth, world, method, path, operation):
    url = path.format(**world)
    name = operation["operationId"]
    kwargs = dict(admin_auth)
    if name == "file_upload":
        kwargs["data"] = {
            "contact": world["contact_id"],
            "file": SimpleUploadedFile("tilbud.txt", b"Tilbud\n"),
        }
    elif method in ("POST", "PATCH", "PUT"):
        body = dict(BODIES[name])
        if name == "company_link_create":
            body |= {"contact": world["other_contact"], "company": world["company_id"]}
        if name == "note_create":
            body |= {"contact": world["contact_id"]}
        kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method.lower())(url, **kwargs)
    documented = {int(code) for code in operation["responses"]}
    success = min(documented)
    assert response.status_code == success, (response.status_code, response.content[:500])
    if response.status_code != 204 and name != "file_download":
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        # The answer has the documented shape (lists are built past Ninja's own check).
        documented = operation["responses"][str(success)]["content"]["application/json"]
        schema = {**documented["schema"], "components": _schema()["components"]}
        OAS31Validator(schema).validate(response.json())
