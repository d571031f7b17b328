import pytest
from django.urls import reverse

from tests.companies.factories import CompanyFactory, CompanyLinkFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def crm_urls():
    """Every CRM page that a GET reaches, for the access matrix."""
    contact = ContactFactory()
    company = CompanyFactory()
    link = CompanyLinkFactory(contact=contact, company=company)
    return [
        reverse("home"),
        reverse("contacts:create"),
        reverse("contacts:detail", args=[contact.pk]),
        reverse("contacts:tab", args=[contact.pk, "companies"]),
        reverse("contacts:update", args=[contact.pk]),
        reverse("contacts:delete", args=[contact.pk]),
        reverse("companies:create"),
        reverse("companies:detail", args=[company.pk]),
        reverse("companies:tab", args=[company.pk, "people"]),
        reverse("companies:update", args=[company.pk]),
        reverse("companies:delete", args=[company.pk]),
        reverse("companies:link_company", args=[contact.pk]),
        reverse("companies:link_contact", args=[company.pk]),
        reverse("companies:link_update", args=[link.pk]),
        reverse("companies:link_delete", args=[link.pk]),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in crm_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_users_without_crm_access_are_refused(client, no_access_user):
    client.force_login(no_access_user)
    for url in crm_urls():
        assert client.get(url).status_code == 403, url


def test_staff_with_crm_access_reach_every_page(staff_client):
    for url in crm_urls():
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", ["contacts:make_customer", "companies:make_customer"])
def test_posts_are_refused_without_crm_access(client, no_access_user, name):
    client.force_login(no_access_user)
    obj = ContactFactory() if name.startswith("contacts") else CompanyFactory()
    assert client.post(reverse(name, args=[obj.pk])).status_code == 403
    obj.refresh_from_db()
    assert obj.customer_number is None


def test_health_check_answers_when_the_database_does(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000", secure=False)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_logout_is_a_post(staff_client):
    assert staff_client.get(reverse("logout")).status_code == 405
    assert staff_client.post(reverse("logout")).status_code == 302
