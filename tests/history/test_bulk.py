"""Rows inserted in bulk (history/bulk.py) read on the timeline as rows saved one by one."""

import pytest
from django.db import transaction

from companies import services as company_services
from companies.models import Company, CompanyLink
from contacts import services as contact_services
from contacts.models import Contact, ContactEmail
from history.bulk import bulk_inserts, record_inserted, record_on_contacts
from history.models import Entry
from history.verbs import render
from tests.contacts.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def _by_hand(kunde):
    contact = contact_services.contact_create(
        first_name="Per", last_name="Dahl", emails=["per@example.no"], categories=[kunde]
    )
    Contact.objects.filter(pk=contact.pk).update(customer_number=77001)  # as if given then
    company = company_services.company_create(name="Fjord AS", categories=[kunde])
    company_services.company_link_contact(contact=contact, company=company, position="Sjef")
    return contact, company


def _in_bulk(kunde, actor):
    who = {"actor_id": actor.pk}
    with transaction.atomic(), bulk_inserts():
        contact = Contact.objects.bulk_create(
            [Contact(first_name="Per", last_name="Dahl", customer_number=77002)]
        )[0]
        record_inserted("contact", [contact.pk], **who)
        email = ContactEmail.objects.bulk_create(
            [ContactEmail(contact=contact, email="per@example.no")]
        )[0]
        record_inserted("email", [email.pk], **who)
        through = Contact.categories.through
        row = through.objects.bulk_create([through(contact=contact, category=kunde)])[0]
        record_inserted("contact_category", [row.pk], **who)
        company = Company.objects.bulk_create([Company(name="Fjord AS")])[0]
        record_inserted("company", [company.pk], **who)
        through = Company.categories.through
        row = through.objects.bulk_create([through(company=company, category=kunde)])[0]
        record_inserted("company_category", [row.pk], **who)
        link = CompanyLink.objects.bulk_create(
            [CompanyLink(contact=contact, company=company, position="Sjef")]
        )[0]
        record_inserted("link", [link.pk], **who)
    return contact, company


def _lines(**owner):
    return sorted(
        (e.verb, render(e).replace("77001", "N").replace("77002", "N"), e.target_id != "")
        for e in Entry.objects.filter(**owner)
    )


def test_bulk_inserts_give_the_timeline_lines_the_triggers_give(firm_admin):
    kunde = CategoryFactory(name="Kunde")
    hand_contact, hand_company = _by_hand(kunde)
    bulk_contact, bulk_company = _in_bulk(kunde, firm_admin)

    # The same sentences; only the actor differs (none by hand here, a user in bulk).
    def without_actor(lines, name):
        return [(v, s.replace(name, "X"), t) for v, s, t in lines]

    actor = firm_admin.get_full_name()
    assert without_actor(_lines(contact=bulk_contact), actor) == without_actor(
        _lines(contact=hand_contact), "Systemet"
    )
    assert without_actor(_lines(company=bulk_company), actor) == without_actor(
        _lines(company=hand_company), "Systemet"
    )


def test_a_change_after_a_bulk_insert_names_only_what_changed(firm_admin):
    contact, _company = _in_bulk(CategoryFactory(name="Kunde"), firm_admin)

    contact_services.contact_update(contact=contact, city="Molde")

    changed = Entry.objects.get(contact=contact, verb="contacts.changed")
    assert list(changed.data["changes"]) == ["city"]


def test_one_line_on_many_timelines_in_one_statement(firm_admin, django_assert_num_queries):
    a, b = Contact.objects.bulk_create([Contact(last_name="A"), Contact(last_name="B")])

    with django_assert_num_queries(1):
        record_on_contacts(
            [a.pk, b.pk], verb="imports.imported", data={"file": "x.csv"}, actor_id=firm_admin.pk
        )

    assert {render(e) for e in Entry.objects.filter(verb="imports.imported")} == {
        f"{firm_admin.get_full_name()}: importert fra x.csv"
    }
