"""Merging two contacts (issue 18, item 4): every tab of the card shows the loser's data
on the survivor afterwards, and undo puts every row back where it was."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Note
from companies.models import CompanyLink
from contacts.models import Contact, ContactEmail, RetiredCustomerNumber
from contacts.services import contact_make_customer
from duplicates import services
from duplicates.models import Merge
from tests.activities.factories import AppointmentFactory, NoteFactory, TaskFactory
from tests.cardservices.factories import SmsMessageFactory
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import (
    CategoryFactory,
    ContactEmailFactory,
    ContactFactory,
    CustomerContactFactory,
)
from tests.files.factories import FileLinkFactory, StoredFileFactory
from tests.mailbox.factories import MessageContactFactory, MessageFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, firm_admin):
    client.force_login(firm_admin)
    return client


@pytest.fixture
def pair(other_staff):
    """The survivor (Ola Nordmann) and the loser (Ola Nordman), with the loser's data in
    every tab, named so each can be found on a page."""
    survivor = ContactFactory(first_name="Ola", last_name="Nordmann", postcode="5003")
    loser = CustomerContactFactory(
        first_name="Ola", last_name="Nordman", postcode="5003", city="Bergen", mobile=""
    )
    ContactEmailFactory(contact=survivor, email="ola@example.no", position=0)
    ContactEmailFactory(contact=loser, email="OLA@example.no", position=0)  # the same
    ContactEmailFactory(contact=loser, email="ola.privat@example.no", position=1)
    shared = CompanyFactory(name="Felles Bygg AS")
    CompanyLinkFactory(contact=survivor, company=shared, position="Leder")
    CompanyLinkFactory(contact=loser, company=shared, position="Selger")  # clashes
    CompanyLinkFactory(contact=loser, company=CompanyFactory(name="Taperen Data AS"))
    AppointmentFactory(title="Møte om taket").contacts.add(loser)
    both = AppointmentFactory(title="Felles møte")
    both.contacts.add(loser, survivor)  # the same appointment on both
    TaskFactory(title="Ring om tilbudet").contacts.add(loser)
    NoteFactory(contact=loser, text="Liker kaffe")
    NoteFactory(contact=loser, text="Hemmelig notat", author=other_staff, private=True)
    FileLinkFactory(contact=loser, file=StoredFileFactory(name="kontrakt-taper.pdf"))
    MessageContactFactory(contact=loser, message=MessageFactory(subject="Spørsmål om pris"))
    OrderFactory(contact=loser, reference="Tilbud på tak")
    SmsMessageFactory(contact=loser, to_number="+4790000001", text="Hei fra taperen")
    vip, loyal = CategoryFactory(name="VIP"), CategoryFactory(name="Lojal")
    survivor.categories.add(vip)
    loser.categories.add(vip, loyal)
    return survivor, loser


TAB_MARKS = {
    "companies": ["Taperen Data AS", "Felles Bygg AS"],
    "appointments": ["Møte om taket", "Felles møte"],
    "tasks": ["Ring om tilbudet"],
    "notes": ["Liker kaffe"],
    "files": ["kontrakt-taper.pdf"],
    "email": ["Spørsmål om pris"],
    "orders": ["Tilbud på tak"],
    "services": ["Hei fra taperen"],
}


def _tab(client, contact_id: int, slug: str) -> str:
    response = client.get(reverse("contacts:tab", args=[contact_id, slug]))
    assert response.status_code == 200, slug
    return response.content.decode()


def _merge(client, survivor, loser, **choices):
    data = {"survivor": "a", **{f"field_{name}": side for name, side in choices.items()}}
    return client.post(reverse("duplicates:merge", args=["contact", survivor.pk, loser.pk]), data)


def test_merge_moves_every_tab_to_the_survivor(admin_client, pair):
    survivor, loser = pair
    response = _merge(admin_client, survivor, loser, city="b")
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=loser.pk).exists()
    for slug, marks in TAB_MARKS.items():
        html = _tab(admin_client, survivor.pk, slug)
        for mark in marks:
            assert mark in html, (slug, mark)
    survivor.refresh_from_db()
    assert survivor.city == "Bergen"  # chosen from the loser
    assert survivor.last_name == "Nordmann"  # kept
    assert sorted(c.name for c in survivor.categories.all()) == ["Lojal", "VIP"]
    # The same address is kept once, the survivor's primary stays primary.
    assert [e.email for e in survivor.emails.all()] == ["ola@example.no", "ola.privat@example.no"]
    # The loser's link to the shared company is kept as a former one.
    links = CompanyLink.objects.filter(contact=survivor, company__name="Felles Bygg AS")
    assert sorted((link.position, link.is_current) for link in links) == [
        ("Leder", True),
        ("Selger", False),
    ]
    assert survivor.appointments.filter(title="Felles møte").count() == 1


def test_history_shows_both_pasts_and_the_merge(admin_client, pair):
    survivor, loser = pair
    _merge(admin_client, survivor, loser)
    html = _tab(admin_client, survivor.pk, "history")
    # Both pasts: each was created, and the loser's address was added on its card.
    assert html.count('data-verb="contacts.created"') == 2
    assert "ola.privat@example.no" in html
    assert "slo sammen «Ola Nordman» med dette kortet" in html
    assert "Angre sammenslåingen" in html


def test_undo_puts_every_tab_back(admin_client, pair):
    survivor, loser = pair
    before = {slug: _tab(admin_client, survivor.pk, slug) for slug in TAB_MARKS}
    _merge(admin_client, survivor, loser, city="b")
    merge = Merge.objects.get()
    response = admin_client.post(reverse("duplicates:undo", args=[merge.pk]))
    assert response.status_code == 302
    restored = Contact.objects.get(pk=loser.pk)
    assert (restored.last_name, restored.city) == ("Nordman", "Bergen")
    assert restored.customer_number == loser.customer_number
    survivor.refresh_from_db()
    assert survivor.city == "Oslo"
    for slug, marks in TAB_MARKS.items():
        loser_html = _tab(admin_client, loser.pk, slug)
        for mark in marks:
            assert mark in loser_html, (slug, mark)
        survivor_html = _tab(admin_client, survivor.pk, slug)
        for mark in marks:
            assert (mark in survivor_html) == (mark in before[slug]), (slug, mark)
    assert sorted(c.name for c in restored.categories.all()) == ["Lojal", "VIP"]
    assert [c.name for c in survivor.categories.all()] == ["VIP"]
    assert sorted(e.email for e in restored.emails.all()) == [
        "OLA@example.no",
        "ola.privat@example.no",
    ]
    assert [e.email for e in survivor.emails.all()] == ["ola@example.no"]
    assert restored.emails.first().email == "OLA@example.no"
    assert CompanyLink.objects.get(contact=restored, company__name="Felles Bygg AS").is_current
    assert restored.appointments.filter(title="Felles møte").exists()
    assert "Angre sammenslåingen" not in _tab(admin_client, survivor.pk, "history")


def test_private_note_stays_private_and_follows_the_survivor(
    client, admin_client, pair, other_staff, firm_admin
):
    survivor, loser = pair
    merge_page = admin_client.get(
        reverse("duplicates:merge", args=["contact", survivor.pk, loser.pk])
    )
    assert "Hemmelig notat" not in merge_page.content.decode()
    _merge(admin_client, survivor, loser)
    note = Note.objects.get(text="Hemmelig notat")
    assert (note.contact_id, note.private, note.author) == (survivor.pk, True, other_staff)
    assert "Hemmelig notat" not in _tab(admin_client, survivor.pk, "notes")
    client.force_login(other_staff)
    assert "Hemmelig notat" in _tab(client, survivor.pk, "notes")


def test_both_customer_numbers_the_chosen_stays_the_other_is_retired(firm_admin):
    survivor = CustomerContactFactory(last_name="Aune")
    loser = CustomerContactFactory(last_name="Aune")
    kept, retired = loser.customer_number, survivor.customer_number
    services.records_merge(
        survivor=survivor, loser=loser, take_from_loser=["customer_number"], actor=firm_admin
    )
    survivor.refresh_from_db()
    assert survivor.customer_number == kept
    assert RetiredCustomerNumber.objects.filter(number=retired).exists()


def test_a_retired_number_is_never_given_again(firm_admin, django_db_blocker):
    from django.db import connection

    survivor = contact_make_customer(contact=ContactFactory(last_name="Berg"))
    loser = contact_make_customer(contact=ContactFactory(last_name="Berg"))
    services.records_merge(survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin)
    retired = loser.customer_number
    with connection.cursor() as cursor:  # the sequence set back, as a restore might
        cursor.execute("SELECT setval('customer_number_seq', %s, false)", [retired])
    fresh = contact_make_customer(contact=ContactFactory(last_name="Ny"))
    assert fresh.customer_number != retired


def test_only_the_loser_has_a_number_the_survivor_takes_it(firm_admin):
    survivor = ContactFactory(last_name="Dahl")
    loser = CustomerContactFactory(last_name="Dahl")
    services.records_merge(survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin)
    survivor.refresh_from_db()
    assert survivor.customer_number == loser.customer_number
    assert not RetiredCustomerNumber.objects.exists()


def test_undo_gives_back_the_retired_number(firm_admin):
    survivor = CustomerContactFactory(last_name="Eik")
    loser = CustomerContactFactory(last_name="Eik")
    merge = services.records_merge(
        survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin
    )
    services.merge_undo(merge=merge, actor=firm_admin)
    assert Contact.objects.get(pk=loser.pk).customer_number == loser.customer_number
    assert not RetiredCustomerNumber.objects.exists()


def test_undo_after_30_days_is_refused(admin_client, firm_admin):
    survivor, loser = ContactFactory(last_name="Foss"), ContactFactory(last_name="Foss")
    merge = services.records_merge(
        survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin
    )
    Merge.objects.filter(pk=merge.pk).update(
        merged_at=timezone.now() - datetime.timedelta(days=31)
    )
    response = admin_client.post(reverse("duplicates:undo", args=[merge.pk]))
    assert response.status_code == 409
    assert not Contact.objects.filter(pk=loser.pk).exists()


def test_merging_companies_moves_people_and_orders(admin_client, firm_admin):
    survivor = CompanyFactory(name="Hansen Bygg AS", org_number="988077917")
    loser = CompanyFactory(name="Hansen Bygg", org_number="")
    person = ContactFactory(last_name="Lie")
    CompanyLinkFactory(contact=person, company=survivor)
    CompanyLinkFactory(contact=person, company=loser)
    CompanyLinkFactory(contact=ContactFactory(last_name="Moe"), company=loser)
    response = admin_client.post(
        reverse("duplicates:merge", args=["company", survivor.pk, loser.pk]), {"survivor": "a"}
    )
    assert response.status_code == 302
    people = admin_client.get(reverse("companies:tab", args=[survivor.pk, "people"]))
    html = people.content.decode()
    assert "Lie" in html and "Moe" in html
    assert CompanyLink.objects.filter(company=survivor, contact=person).count() == 2
    assert CompanyLink.objects.current().filter(company=survivor, contact=person).count() == 1
    merge = Merge.objects.get()
    services.merge_undo(merge=merge, actor=firm_admin)
    assert CompanyLink.objects.filter(company_id=loser.pk).count() == 2
    assert CompanyLink.objects.current().filter(contact=person).count() == 2


def test_merge_refuses_two_of_one(firm_admin):
    contact = ContactFactory()
    with pytest.raises(Exception, match="to forskjellige|two different"):
        services.records_merge(
            survivor=contact, loser=contact, take_from_loser=[], actor=firm_admin
        )
    assert ContactEmail.objects.count() == 0


def test_undo_keeps_a_later_edit_of_the_survivor(firm_admin):
    survivor = ContactFactory(last_name="Gran", city="Oslo", street_address="Gata 1")
    loser = ContactFactory(last_name="Gran", city="Bergen", street_address="Veien 2")
    merge = services.records_merge(
        survivor=survivor,
        loser=loser,
        take_from_loser=["city", "street_address"],
        actor=firm_admin,
    )
    Contact.objects.filter(pk=survivor.pk).update(street_address="Nyveien 3")  # edited since
    services.merge_undo(merge=merge, actor=firm_admin)
    survivor.refresh_from_db()
    assert (survivor.city, survivor.street_address) == ("Oslo", "Nyveien 3")


def test_undo_is_refused_when_the_loser_org_number_was_taken_since(admin_client, firm_admin):
    survivor = CompanyFactory(name="Hansen Bygg AS", org_number="")
    loser = CompanyFactory(name="Hansen Bygg", org_number="988077917")
    merge = services.records_merge(
        survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin
    )
    CompanyFactory(name="Ny Hansen AS", org_number="988077917")
    response = admin_client.post(reverse("duplicates:undo", args=[merge.pk]))
    assert response.status_code == 409
    assert "kan ikke angres" in response.content.decode()
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_locked_mail_stays_locked_on_the_survivor(firm_admin):
    survivor = ContactFactory(last_name="Hval")
    loser = ContactFactory(last_name="Hval", email_locked=True)
    merge = services.records_merge(
        survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin
    )
    survivor.refresh_from_db()
    assert survivor.email_locked
    services.merge_undo(merge=merge, actor=firm_admin)
    survivor.refresh_from_db()
    assert not survivor.email_locked
    assert Contact.objects.get(pk=loser.pk).email_locked


def test_erasing_the_survivor_removes_the_merge_record_that_holds_the_loser(firm_admin):
    from exports.services import contact_erase

    survivor = ContactFactory(last_name="Aune")
    loser = ContactFactory(last_name="Aune", first_name="Kari")
    services.records_merge(survivor=survivor, loser=loser, take_from_loser=[], actor=firm_admin)
    assert Merge.objects.filter(survivor_id=survivor.pk).exists()

    contact_erase(contact=survivor, actor=firm_admin)

    # The loser's snapshot (Kari's name, addresses) was personal data of the same person.
    assert not Merge.objects.filter(survivor_id=survivor.pk).exists()
