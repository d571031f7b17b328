"""Lists: the panel's search, cursor pages stable under inserts, updated_since, and a
query budget independent of the number of rows."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from contacts.models import Contact, ContactEmail
from tests.activities.factories import AppointmentFactory, NoteFactory, ProjectFactory, TaskFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactFactory
from tests.files.factories import FileLinkFactory
from tests.orders.factories import InvoiceFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _names(response):
    return [c["last_name"] for c in response.json()["results"]]


def test_a_last_name_term_finds_it_anywhere_in_the_name(client, staff_auth):
    for name in ("Hansen", "Johansen", "Thorhansen", "Berg"):
        ContactFactory(last_name=name)
    response = client.get("/api/v1/contacts?q=hanse", **staff_auth)
    assert _names(response) == ["Hansen", "Johansen", "Thorhansen"]


def test_the_panels_narrowing_applies(client, staff, staff_auth):
    vip = CategoryFactory(name="VIP")
    mine = ContactFactory(last_name="Hansen", owner=staff)
    mine.categories.add(vip)
    ContactFactory(last_name="Hansen")
    response = client.get(
        f"/api/v1/contacts?q=hansen&selection=mine&category={vip.pk}", **staff_auth
    )
    assert [c["id"] for c in response.json()["results"]] == [mine.pk]


def test_a_search_the_panel_refuses_is_refused_with_its_message(client, staff_auth):
    response = client.get("/api/v1/contacts?q=ab&type=email", **staff_auth)
    assert response.status_code == 422
    assert "q" in response.json()["errors"]


def test_the_pages_are_stable_when_contacts_are_added_meanwhile(client, staff_auth):
    for name in ("Aas", "Berg", "Dahl", "Eide", "Fjell", "Hauge"):
        ContactFactory(last_name=name, first_name="")
    first = client.get("/api/v1/contacts?limit=3", **staff_auth).json()
    assert [c["last_name"] for c in first["results"]] == ["Aas", "Berg", "Dahl"]
    # One before the cursor (never shown later) and one after it (shown in its place).
    ContactFactory(last_name="Bakke", first_name="")
    ContactFactory(last_name="Foss", first_name="")
    seen, cursor = [c["last_name"] for c in first["results"]], first["next_cursor"]
    while cursor:
        page = client.get(f"/api/v1/contacts?limit=3&cursor={cursor}", **staff_auth).json()
        seen += [c["last_name"] for c in page["results"]]
        cursor = page["next_cursor"]
    assert seen == ["Aas", "Berg", "Dahl", "Eide", "Fjell", "Foss", "Hauge"]


def test_contacts_with_the_same_name_are_paged_by_id_without_loss(client, staff_auth):
    ids = [ContactFactory(last_name="Hansen", first_name="Ola").pk for _ in range(5)]
    seen, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/contacts?q=hansen&limit=2&cursor={cursor}", **staff_auth)
        seen += [c["id"] for c in page.json()["results"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids)


def test_updated_since_gives_what_changed(client, staff_auth):
    old = ContactFactory(last_name="Gammel")
    Contact.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    ContactFactory(last_name="Ny")
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = client.get("/api/v1/contacts", {"updated_since": since}, **staff_auth)
    assert _names(response) == ["Ny"]


def test_a_broken_cursor_is_a_400(client, staff_auth):
    nul = base64.urlsafe_b64encode(json.dumps(["a\x00", 1]).encode()).decode()
    for cursor in ("%%%", "bm90IGpzb24", "W1tdLDFd", "WyJhIiwiYiJd", nul):
        response = client.get(f"/api/v1/contacts?cursor={cursor}", **staff_auth)
        assert response.status_code == 400, cursor


def _fill(n):
    company = CompanyFactory()
    for i in range(n):
        contact = ContactFactory(last_name=f"Lasthansen{i}")
        contact.emails.create(email=f"h{i}@x.no")
        contact.categories.add(CategoryFactory())
        CompanyLinkFactory(contact=contact, company=company)
        AppointmentFactory().contacts.add(contact)
        TaskFactory().contacts.add(contact)
        NoteFactory(contact=contact)
        ProjectFactory().participants.add(contact)
        FileLinkFactory(contact=contact)
        OrderLineFactory(order=InvoiceFactory().order)
        CompanyFactory()


LISTS = [
    "/api/v1/contacts?q=hansen",
    "/api/v1/contacts",
    "/api/v1/companies",
    "/api/v1/company-links",
    "/api/v1/appointments",
    "/api/v1/tasks",
    "/api/v1/notes",
    "/api/v1/projects",
    "/api/v1/files",
    "/api/v1/orders",
    "/api/v1/invoices",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_few_queries_however_long(
    client, staff_auth, django_assert_max_num_queries, url
):
    _fill(12)
    # The token and its user with permissions (2), the name probe or nothing (1), the
    # page (1), an order's lines (1); last_used_at is written once a minute, not here.
    client.get(url, **staff_auth)
    with django_assert_max_num_queries(5):
        response = client.get(url, **staff_auth)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 10


def test_a_contact_list_with_a_last_name_term_costs_at_most_five_queries(
    client, staff_auth, django_assert_max_num_queries
):
    _fill(3)
    # A part of the name no made-up name has: the customers the orders bring have made-up
    # Norwegian names, and «ansen» alone found a Kristiansen among them now and then.
    client.get("/api/v1/contacts?q=sthansen", **staff_auth)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/contacts?q=sthansen", **staff_auth)
    assert [row["last_name"] for row in response.json()["results"]] == [
        "Lasthansen0",
        "Lasthansen1",
        "Lasthansen2",
    ]
    assert response.json()["results"][0]["emails"] == ["h0@x.no"]


def test_a_contact_is_created_and_changed_through_the_pages_rules(client, staff_auth):
    vip = CategoryFactory(name="VIP")
    created = client.post(
        "/api/v1/contacts",
        json.dumps({"last_name": "Nordmann", "emails": ["kari@x.no"], "categories": [vip.pk]}),
        content_type="application/json",
        **staff_auth,
    ).json()
    assert created["emails"] == ["kari@x.no"] and created["categories"] == [vip.pk]
    changed = client.patch(
        f"/api/v1/contacts/{created['id']}",
        json.dumps({"mobile": "412 34 567"}),
        content_type="application/json",
        **staff_auth,
    ).json()
    # Left out, kept; the phone as the form reads it, in E.164.
    assert changed["emails"] == ["kari@x.no"] and changed["categories"] == [vip.pk]
    assert changed["mobile"] == "+4741234567"


def _walk(client, auth, url, limit=2):
    seen, cursor = [], ""
    while True:
        page = client.get(f"{url}&limit={limit}&cursor={cursor}", **auth).json()
        seen += [(c["first_name"], c["last_name"]) for c in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


def test_an_email_term_is_paged_in_name_order_without_loss(client, staff_auth):
    # Created against name order; two words hold «hansen», one contact has two matches.
    people = [
        ("Per", "Vik", ["per@johansen.no"]),
        ("Ola", "Lie", ["ola@hansen.no", "ola.lie@hansen.no"]),
        ("Eva", "Dahl", ["eva@annen.no"]),
        ("Kari", "Berg", ["kari.hansen@post.no"]),
        ("Liv", "Aas", ["liv@HANSEN.no"]),
    ]
    for first, last, emails in people:
        ContactFactory(first_name=first, last_name=last).emails.set(
            [ContactEmail(email=e, position=i) for i, e in enumerate(emails)], bulk=False
        )
    found = [("Liv", "Aas"), ("Kari", "Berg"), ("Ola", "Lie"), ("Per", "Vik")]
    url = "/api/v1/contacts?q=hansen&type=email"
    assert _walk(client, staff_auth, url) == found
    assert _walk(client, staff_auth, url, limit=50) == found
    # With updated_since the pages are planned the other way: the same contacts.
    since = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+", "%2B")
    assert _walk(client, staff_auth, f"{url}&updated_since={since}") == found


@pytest.mark.parametrize("key", [5, None, "a\x00b", ["a"]])
def test_a_crafted_cursor_in_an_email_search_is_no_error(client, staff_auth, key):
    ContactFactory(last_name="Aas").emails.create(email="aas@hansen.no")
    raw = json.dumps([key, 1]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = client.get(f"/api/v1/contacts?q=hansen&type=email&cursor={cursor}", **staff_auth)
    assert response.status_code in (200, 400)


def test_a_contact_list_with_an_email_term_costs_at_most_four_queries(
    client, staff_auth, django_assert_max_num_queries
):
    for i in range(12):
        ContactFactory(last_name=f"Navn{i:02d}").emails.create(email=f"p{i}@lasthansen.no")
    url = "/api/v1/contacts?q=hansen&type=email&limit=10"
    client.get(url, **staff_auth)
    # The token and its user (2), the words' walk (1), the page's rows (1).
    with django_assert_max_num_queries(4) as captured:
        response = client.get(url, **staff_auth)
    # Planned from the addresses' words: a walk of the contacts testing each one's
    # addresses took 0.6 s for «hansen» on a million.
    assert any("search_addressword" in q["sql"] for q in captured.captured_queries)
    assert [row["last_name"] for row in response.json()["results"]] == [
        f"Navn{i:02d}" for i in range(10)
    ]
    assert response.json()["next_cursor"]


def test_an_email_term_with_the_panels_narrowing_pages_only_what_it_narrows_to(
    client, staff, staff_auth
):
    for i, name in enumerate(["Vik", "Lie", "Dahl", "Berg", "Aas"]):
        ContactFactory(first_name="Ola", last_name=name, owner=staff if i % 2 else None)
        Contact.objects.get(last_name=name).emails.create(email=f"ola.{name.lower()}@hansen.no")
    url = "/api/v1/contacts?q=hansen&type=email&selection=mine"
    assert _walk(client, staff_auth, url, limit=1) == [("Ola", "Berg"), ("Ola", "Lie")]
