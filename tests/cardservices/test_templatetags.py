import pytest
from django.template import Context, Template

from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _render(contact, field):
    template = Template("{% load cardservices %}{% service_arrow contact field %}")
    return template.render(Context({"contact": contact, "field": field, "csrf_token": "t"}))


def test_mobile_arrow_opens_the_sms_form():
    contact = ContactFactory(mobile="+4741234567")
    html = _render(contact, "mobile")
    assert f'href="/contacts/{contact.pk}/services/sms/"' in html
    assert "bi-arrow-right-circle-fill" in html and "text-success" in html
    assert 'aria-label="Send SMS til +47 41 23 45 67"' in html


def test_phone_arrow_is_a_lookup_form():
    contact = ContactFactory(work_phone="+4722123456")
    html = _render(contact, contact.work_phone)
    assert 'method="post"' in html and 'value="work_phone"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_address_and_website_arrows_open_a_new_tab():
    contact = ContactFactory(street_address="Åsveien 2", website="www.firma.no")
    address = _render(contact, "address")
    assert "query=%C3%85sveien%202%2C%200150%20Oslo" in address
    assert 'target="_blank" rel="noopener noreferrer"' in address
    assert 'href="https://www.firma.no"' in _render(contact, "website")


def test_no_arrow_for_empty_or_refused_fields():
    contact = ContactFactory(
        mobile="", street_address="", postcode="", city="", website="javascript:alert(1)"
    )
    for field in ("mobile", "work_phone", "address", "website"):
        assert _render(contact, field).strip() == ""
