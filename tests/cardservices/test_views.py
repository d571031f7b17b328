import pytest
from django.urls import reverse

from cardservices import sms
from cardservices.models import NumberLookup, SmsMessage
from history.models import Entry
from tests.cardservices.factories import NumberLookupFactory, SmsMessageFactory
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _tab(contact):
    return reverse("contacts:tab", args=[contact.pk, "services"])


def _sms_url(contact):
    return reverse("cardservices:sms_send", args=[contact.pk])


def _lookup_url(contact):
    return reverse("cardservices:number_lookup", args=[contact.pk])


@pytest.mark.parametrize("name", ["sms", "lookup"])
def test_anonymous_goes_to_login(client, name):
    contact = ContactFactory()
    url = _sms_url(contact) if name == "sms" else _lookup_url(contact)
    response = client.post(url, {"field": "mobile", "text": "x"})
    assert response.status_code == 302
    assert reverse("login") in response.url
    assert not SmsMessage.objects.exists() and not NumberLookup.objects.exists()


@pytest.mark.parametrize("name", ["sms", "lookup", "tab"])
def test_no_crm_access_is_403(client, no_access_user, name):
    client.force_login(no_access_user)
    contact = ContactFactory()
    if name == "tab":
        assert client.get(_tab(contact)).status_code == 403
    else:
        url = _sms_url(contact) if name == "sms" else _lookup_url(contact)
        assert client.post(url, {"field": "mobile", "text": "x"}).status_code == 403
    assert sms.outbox == []


def test_missing_contact_is_404(staff_client):
    assert staff_client.get(reverse("cardservices:sms_send", args=[999999])).status_code == 404
    assert (
        staff_client.post(
            reverse("cardservices:number_lookup", args=[999999]), {"field": "mobile"}
        ).status_code
        == 404
    )


def test_lookup_requires_post(staff_client):
    assert staff_client.get(_lookup_url(ContactFactory())).status_code == 405


def test_sms_form_shows_number_sender_and_counter(staff_client):
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.get(_sms_url(contact))
    assert response.status_code == 200
    html = response.content.decode()
    assert "+47 41 23 45 67" in html and "Firma AS" in html
    assert "data-sms-counter" in html and "js/cardservices.js" in html


def test_sending_an_sms_redirects_to_the_tab(staff_client, staff):
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(_sms_url(contact), {"text": "Hei\r\nigjen"})
    assert response.status_code == 302 and response.url == _tab(contact)
    message = SmsMessage.objects.get()
    assert message.text == "Hei\nigjen" and message.sent_by == staff
    assert sms.outbox[0].text == "Hei\nigjen"


def test_invalid_number_shows_a_message_and_sends_nothing(staff_client):
    contact = ContactFactory(mobile="+47123")
    response = staff_client.post(_sms_url(contact), {"text": "Hei"})
    assert response.status_code == 200
    assert "ikke et gyldig mobilnummer" in response.content.decode()
    assert sms.outbox == [] and not SmsMessage.objects.exists()


def test_empty_text_is_a_form_error(staff_client):
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(_sms_url(contact), {"text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert sms.outbox == []


def test_failed_gateway_shows_the_error(staff_client, settings, closed_port):
    settings.SMS_BACKEND = "cardservices.sms.backends.http.SmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{closed_port}/sms"
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(_sms_url(contact), {"text": "Hei"}, follow=True)
    assert "Fikk ikke kontakt med serveren" in response.content.decode()
    assert SmsMessage.objects.get().status == SmsMessage.Status.FAILED


def test_sms_form_says_sms_is_not_set_up_and_stores_nothing(staff_client, settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "cardservices.sms.backends.console.SmsBackend"
    contact = ContactFactory(mobile="+4741234567")
    page = staff_client.get(_sms_url(contact)).content.decode()
    assert "SMS er ikke satt opp" in page
    response = staff_client.post(_sms_url(contact), {"text": "Hei"}, follow=True)
    html = response.content.decode()
    assert "SMS er ikke satt opp" in html and "er sendt" not in html
    assert not SmsMessage.objects.exists()
    assert not Entry.objects.filter(contact=contact, verb__startswith="cardservices.sms").exists()


def test_console_backend_while_developing_says_it_was_not_sent(staff_client, settings):
    settings.DEBUG = True
    settings.SMS_BACKEND = "cardservices.sms.backends.console.SmsBackend"
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(_sms_url(contact), {"text": "Hei"}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert "ikke sendt" in message and "er sendt" not in message
    assert SmsMessage.objects.get().status == SmsMessage.Status.CONSOLE


def test_lookup_redirects_to_the_tab_which_shows_it(staff_client):
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(_lookup_url(contact), {"field": "mobile"}, follow=True)
    assert response.redirect_chain[-1][0] == _tab(contact)
    html = response.content.decode()
    assert 'data-testid="lookup-row"' in html and "41 23 45 67" in html


def test_lookup_over_htmx_returns_the_tab_panel(staff_client):
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(
        _lookup_url(contact), {"field": "mobile"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="tab-panel"')
    assert NumberLookup.objects.count() == 1


def test_bad_lookup_field_is_a_message_not_an_error(staff_client):
    contact = ContactFactory(mobile="+4741234567")
    response = staff_client.post(_lookup_url(contact), {"field": "notes"}, follow=True)
    assert response.status_code == 200
    assert not NumberLookup.objects.exists()
    assert list(response.context["messages"])


def test_services_tab_lists_services_and_last_uses(staff_client, django_assert_max_num_queries):
    contact = ContactFactory(
        mobile="+4741234567",
        work_phone="+4722123456",
        street_address="Storgata 1",
        website="firma.no",
    )
    SmsMessageFactory.create_batch(3, contact=contact)
    NumberLookupFactory.create_batch(3, contact=contact)
    with django_assert_max_num_queries(9):
        response = staff_client.get(_tab(contact), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="sms-row"') == 3
    assert html.count('data-testid="lookup-row"') == 3
    assert "https://www.openstreetmap.org/search?query=Storgata%201%2C%200150%20Oslo" in html
    assert 'href="https://firma.no" target="_blank" rel="noopener noreferrer"' in html


def test_services_tab_refuses_a_javascript_website(staff_client):
    contact = ContactFactory(website="javascript:alert(1)")
    # The tab panel only: the card's left side is the contacts app's.
    html = staff_client.get(_tab(contact), headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="website-refused"' in html
    assert 'href="javascript:' not in html
