"""«Eier» on the contact and company forms: picked by searching for a user (the one
picker, crm/user_picker.py), without JavaScript too."""

import pytest
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from tests.companies.factories import CompanyFactory
from tests.companies.test_views import company_data
from tests.contacts.factories import ContactFactory
from tests.contacts.test_views import valid_data as contact_data
from tests.crm.factories import UserFactory

pytestmark = pytest.mark.django_db

FORMS = [
    ("contacts:create", "contacts:update", Contact, ContactFactory, contact_data),
    ("companies:create", "companies:update", Company, CompanyFactory, company_data),
]


def _chip(pk) -> str:
    return f'<input type="hidden" name="owner" value="{pk}">'


@pytest.fixture
def kari():
    return UserFactory(first_name="Kari", last_name="Nordmann")


@pytest.mark.parametrize(("create", "update", "model", "factory", "data"), FORMS)
def test_the_owner_is_picked_by_search_without_javascript(
    staff_client, staff, kari, create, update, model, factory, data
):
    url = reverse(create)
    page = staff_client.get(url).content.decode()
    assert _chip(staff.pk) in page  # a new one is mine to start with
    assert "Kari Nordmann" not in page  # no list of every user
    searched = staff_client.post(
        url, {**data(), "owner": staff.pk, "owner_q": "kari nord", "picker_search": "owner"}
    )
    text = searched.content.decode()
    assert searched.status_code == 200 and not model.objects.exists()
    assert f'name="owner" value="{kari.pk}" id="picker-owner-found-{kari.pk}"' in text
    assert 'type="radio"' in text
    # Ticking Kari replaces me (a single choice) and saves her.
    staff_client.post(url, {**data(), "owner": [staff.pk, kari.pk]})
    assert model.objects.get().owner == kari
    # Removing the chip («Fjern») leaves no owner.
    obj = model.objects.get()
    staff_client.post(reverse(update, args=[obj.pk]), {**data(), "owner_unpick": kari.pk})
    obj.refresh_from_db()
    assert obj.owner is None


@pytest.mark.parametrize(("create", "update", "model", "factory", "data"), FORMS)
def test_editing_keeps_an_owner_who_has_left(staff_client, create, update, model, factory, data):
    gone = UserFactory(first_name="Per", last_name="Sluttet")
    gone.is_active = False
    gone.save()
    obj = factory(owner=gone)
    url = reverse(update, args=[obj.pk])
    page = staff_client.get(url).content.decode()
    assert _chip(gone.pk) in page and "Per Sluttet" in page
    staff_client.post(url, {**data(), "owner": gone.pk})
    obj.refresh_from_db()
    assert obj.owner == gone
    # But no one else who has left can be made owner.
    other = factory()
    staff_client.post(reverse(update, args=[other.pk]), {**data(), "owner": gone.pk})
    other.refresh_from_db()
    assert other.owner != gone


@pytest.mark.parametrize(("create", "update", "model", "factory", "data"), FORMS)
def test_a_form_error_keeps_the_owner_chip(
    staff_client, kari, create, update, model, factory, data
):
    field = "last_name" if model is Contact else "name"
    response = staff_client.post(reverse(create), {**data(), field: " ", "owner": kari.pk})
    text = response.content.decode()
    assert response.status_code == 200 and not model.objects.exists()
    assert _chip(kari.pk) in text and "Kari Nordmann" in text


def test_the_owner_search_offers_only_active_users_with_crm_access(staff_client, kari):
    UserFactory(first_name="Kari", last_name="Utenfor", crm_access=False)
    gone = UserFactory(first_name="Kari", last_name="Sluttet")
    gone.is_active = False
    gone.save()
    url = reverse("pick_users", args=["owner"])
    text = staff_client.get(url, {"owner_q": "kari"}).content.decode()
    assert "Kari Nordmann" in text and 'type="radio"' in text
    assert "Utenfor" not in text and "Sluttet" not in text
