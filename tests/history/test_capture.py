"""Changes to contacts, e-mail addresses, categories and company links land on the
timeline with the right actor, whoever made them (a page, admin, a command, raw SQL)."""

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.urls import reverse

from contacts.models import Contact
from history.models import Entry
from history.verbs import render
from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import CategoryFactory, ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db


def verbs(contact):
    return list(
        Entry.objects.filter(contact=contact).order_by("id").values_list("verb", flat=True)
    )


def last(contact, verb):
    return Entry.objects.filter(contact=contact, verb=verb).order_by("-id").first()


def test_creating_a_contact_is_an_entry():
    contact = ContactFactory()
    assert verbs(contact) == ["contacts.created"]


def test_a_field_change_records_old_and_new():
    contact = ContactFactory(mobile="+4741000000")
    contact.mobile = "+4792000000"
    contact.save()
    entry = last(contact, "contacts.changed")
    assert entry.data["changes"]["mobile"] == ["+4741000000", "+4792000000"]
    assert render(entry).endswith("mobil fra +47 41 00 00 00 til +47 92 00 00 00")


def test_saving_without_changes_records_nothing():
    contact = ContactFactory()
    contact.save()
    assert verbs(contact) == ["contacts.created"]


def test_bulk_update_is_captured():
    contact = ContactFactory(city="Oslo")
    Contact.objects.filter(pk=contact.pk).update(city="Bergen")
    assert last(contact, "contacts.changed").data["changes"] == {"city": ["Oslo", "Bergen"]}


def test_raw_sql_is_captured():
    contact = ContactFactory(city="Oslo")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contacts_contact SET city = 'Tromsø' WHERE id = %s", [contact.pk])
    assert last(contact, "contacts.changed").data["changes"]["city"] == ["Oslo", "Tromsø"]


def test_customer_number_given_is_its_own_event():
    contact = ContactFactory()
    Contact.objects.filter(pk=contact.pk).update(customer_number=10042)
    entry = last(contact, "contacts.customer_number_given")
    assert entry.data == {"customer_number": 10042}
    assert "10042" in render(entry)
    assert last(contact, "contacts.changed") is None


def test_email_added_changed_removed():
    email = ContactEmailFactory(email="kari@example.no")
    email.email = "kari@firma.no"
    email.save()
    contact = email.contact
    email.delete()
    assert verbs(contact)[-3:] == [
        "contacts.email_added",
        "contacts.email_changed",
        "contacts.email_removed",
    ]
    changed = last(contact, "contacts.email_changed")
    assert changed.data == {"old": "kari@example.no", "new": "kari@firma.no"}


def test_categories_added_and_removed():
    contact = ContactFactory()
    vip = CategoryFactory(name="VIP")
    contact.categories.add(vip)
    contact.categories.remove(vip)
    assert last(contact, "contacts.category_added").data == {"category": "VIP"}
    assert "VIP" in render(last(contact, "contacts.category_removed"))


def test_company_link_events():
    contact = ContactFactory()
    company = CompanyFactory(name="Fjordkraft AS")
    link = CompanyLinkFactory(contact=contact, company=company, position="Selger")
    link.position = "Salgssjef"
    link.save()
    link.end_date = link.created_at.date()
    link.save()
    link.delete()
    assert verbs(contact)[-4:] == [
        "companies.linked",
        "companies.link_changed",
        "companies.ended",
        "companies.unlinked",
    ]
    position = last(contact, "companies.link_changed")
    assert position.data == {
        "company": "Fjordkraft AS",
        "changes": {"position": ["Selger", "Salgssjef"]},
    }
    assert (
        render(position) == "Systemet endret stilling hos Fjordkraft AS fra Selger til Salgssjef"
    )


def test_a_position_change_recorded_on_its_own_reads_like_the_others():
    # Entries written before the position joined the other link changes.
    from tests.history.factories import HistoryEntryFactory

    entry = HistoryEntryFactory(
        verb="companies.position_changed",
        actor_label="",
        data={"company": "Fjordkraft AS", "old": "", "new": "Selger"},
    )
    assert render(entry) == "Systemet satte stilling hos Fjordkraft AS til Selger"


def test_crm_page_edit_is_credited_to_the_user(staff_client, staff):
    contact = ContactFactory(first_name="Kari", last_name="Nordmann")
    response = staff_client.post(
        reverse("contacts:update", args=[contact.pk]),
        {"first_name": "Kari", "last_name": "Nordmann", "mobile": "+47 41 00 00 00"},
    )
    assert response.status_code == 302
    entry = last(contact, "contacts.changed")
    assert entry.actor == staff
    assert "mobil" in render(entry)


def test_admin_edit_is_credited_to_the_admin(client, firm_admin):
    firm_admin.is_staff = True
    firm_admin.is_superuser = True
    firm_admin.save()
    client.force_login(firm_admin)
    contact = ContactFactory(city="Oslo")
    Contact.objects.filter(pk=contact.pk).update(city="Oslo")  # no change, no entry
    url = reverse("admin:contacts_contact_change", args=[contact.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "last_name": contact.last_name,
            "city": "Bodø",
            "country": "NO",
            "emails-TOTAL_FORMS": "0",
            "emails-INITIAL_FORMS": "0",
            "company_links-TOTAL_FORMS": "0",
            "company_links-INITIAL_FORMS": "0",
        }
    )
    data.pop("categories", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    entry = last(contact, "contacts.changed")
    assert entry.actor == firm_admin
    assert entry.data["changes"]["city"] == ["Oslo", "Bodø"]


class FixCities(BaseCommand):
    __module__ = "somewhere.management.commands.fix_cities"

    def handle(self, *args, **options):
        Contact.objects.filter(city="Oslo").update(city="OSLO")


def test_command_change_is_credited_to_the_command():
    contact = ContactFactory(city="Oslo")
    call_command(FixCities())
    entry = last(contact, "contacts.changed")
    assert entry.actor is None
    assert entry.actor_label == "fix_cities"
    assert render(entry).startswith("fix_cities endret")


def test_deleting_a_contact_erases_its_history():
    contact = ContactFactory()
    ContactEmailFactory(contact=contact)
    CompanyLinkFactory(contact=contact)
    pk = contact.pk
    contact.delete()
    assert not Entry.objects.filter(contact_id=pk).exists()


def test_dates_in_sentences_read_dd_mm_yyyy():
    import datetime

    link = CompanyLinkFactory(company=CompanyFactory(name="Havbruk AS"))
    link.end_date = datetime.date(2026, 3, 7)
    link.save()
    assert "07.03.2026" in render(last(link.contact, "companies.ended"))


def _edit_link(client, link, **changes):
    fields = {"position": link.position, "work_phone": "", "mobile": "", "email": ""}
    fields["start_date"] = link.start_date.strftime("%d.%m.%Y") if link.start_date else ""
    fields["end_date"] = link.end_date.strftime("%d.%m.%Y") if link.end_date else ""
    response = client.post(reverse("companies:link_update", args=[link.pk]), {**fields, **changes})
    assert response.status_code == 302
    link.refresh_from_db()


def test_a_links_start_date_reads_as_a_field_name(staff_client, staff):
    # It read «endret fra hos Aune Handel DA fra (tom) til 01.03.2024»: the field «Fra»
    # taken for a preposition.
    from tests.history.lines import card_lines

    staff.first_name, staff.last_name = "Kari", "Nordmann"
    staff.save()
    link = CompanyLinkFactory(company=CompanyFactory(name="Aune Handel DA"), position="Selger")
    _edit_link(staff_client, link, start_date="01.03.2024")
    _edit_link(staff_client, link, start_date="15.03.2024")
    _edit_link(staff_client, link, start_date="")
    assert card_lines(staff_client, link.contact)[-3:] == [
        "Kari Nordmann satte startdato hos Aune Handel DA til 01.03.2024",
        "Kari Nordmann endret startdato hos Aune Handel DA fra 01.03.2024 til 15.03.2024",
        "Kari Nordmann fjernet startdato hos Aune Handel DA (var 15.03.2024)",
    ]


def test_several_link_changes_read_as_one_sentence(staff_client, staff):
    from tests.history.lines import card_lines

    staff.first_name, staff.last_name = "Kari", "Nordmann"
    staff.save()
    link = CompanyLinkFactory(company=CompanyFactory(name="Aune Handel DA"), email="a@aune.no")
    _edit_link(staff_client, link, email="kari@aune.no", start_date="01.03.2024")
    assert card_lines(staff_client, link.contact)[-1] == (
        "Kari Nordmann endret e-post hos Aune Handel DA fra a@aune.no til kari@aune.no"
        " og satte startdato til 01.03.2024"
    )
