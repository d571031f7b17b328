import pytest
from django.contrib import admin
from django.urls import reverse

from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_every_model_is_in_django_admin():
    from django.apps import apps

    ours = {"contacts", "companies"}
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in ours
        and not m._meta.auto_created
        and m not in admin.site._registry
        and m._meta.model_name != "contactemail"  # edited inline on the contact
        # Each user's own list of cards opened lately: private to them, not the admin's.
        and m._meta.model_name != "recentlyviewed"
    ]
    assert missing == []


def test_admin_lists_search_and_filters_work_for_administrators(client, firm_admin):
    client.force_login(firm_admin)
    link = CompanyLinkFactory(contact=ContactFactory(last_name="Thorhansen"))
    for url, query in [
        (reverse("admin:contacts_contact_changelist"), {"q": "hanse"}),
        (reverse("admin:companies_company_changelist"), {"q": link.company.name}),
        (reverse("admin:companies_companylink_changelist"), {"q": "Thorhansen"}),
        (reverse("admin:contacts_category_changelist"), {}),
    ]:
        response = client.get(url, query)
        assert response.status_code == 200, url
    assert (
        "Thorhansen"
        in client.get(
            reverse("admin:contacts_contact_changelist"), {"q": "hanse"}
        ).content.decode()
    )


def test_admin_contact_page_has_email_and_company_inlines(client, firm_admin):
    client.force_login(firm_admin)
    contact = ContactFactory()
    body = client.get(reverse("admin:contacts_contact_change", args=[contact.pk])).content.decode()
    assert "emails-TOTAL_FORMS" in body and "company_links-TOTAL_FORMS" in body


def test_admin_autocomplete_finds_companies(client, firm_admin):
    client.force_login(firm_admin)
    CompanyFactory(name="Autoselskapet AS")
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Autosel",
            "app_label": "companies",
            "model_name": "companylink",
            "field_name": "company",
        },
    )
    assert response.status_code == 200
    assert "Autoselskapet AS" in response.content.decode()


def test_admin_action_gives_customer_numbers(client, firm_admin):
    client.force_login(firm_admin)
    contacts = ContactFactory.create_batch(2)
    client.post(
        reverse("admin:contacts_contact_changelist"),
        {"action": "make_customers", "_selected_action": [c.pk for c in contacts]},
    )
    for contact in contacts:
        contact.refresh_from_db()
        assert contact.customer_number is not None


def test_staff_without_admin_role_cannot_use_django_admin(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
