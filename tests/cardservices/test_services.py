import pytest
from django.core.exceptions import ValidationError

from cardservices import services, sms
from cardservices.models import NumberLookup, SmsMessage
from history.models import Entry
from history.verbs import render
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_sms_is_sent_stored_and_in_the_history(staff):
    contact = ContactFactory(mobile="+4741234567")
    message = services.sms_send(contact=contact, text="Hei, æøå!", user=staff)
    assert message.status == SmsMessage.Status.SENT
    assert (message.to_number, message.sender_name, message.segments) == (
        "+4741234567",
        "Firma AS",
        1,
    )
    assert [m.to for m in sms.outbox] == ["+4741234567"]
    entry = Entry.objects.get(contact=contact, verb="cardservices.sms_sent")
    assert entry.actor == staff
    assert "«Hei, æøå!»" in render(entry)


def test_invalid_mobile_is_refused_and_nothing_is_sent(staff):
    contact = ContactFactory(mobile="+47123")
    with pytest.raises(ValidationError) as error:
        services.sms_send(contact=contact, text="Hei", user=staff)
    assert "ikke et gyldig mobilnummer" in str(error.value)
    assert sms.outbox == []
    assert not SmsMessage.objects.exists()


def test_fixed_line_is_refused(staff):
    contact = ContactFactory(mobile="+4722123456")
    with pytest.raises(ValidationError):
        services.sms_send(contact=contact, text="Hei", user=staff)
    assert sms.outbox == []


def test_no_mobile_is_refused(staff):
    contact = ContactFactory(mobile="")
    with pytest.raises(ValidationError, match="har ikke mobilnummer"):
        services.sms_send(contact=contact, text="Hei", user=staff)


def test_empty_and_too_long_texts_are_refused(staff, settings):
    contact = ContactFactory(mobile="+4741234567")
    with pytest.raises(ValidationError):
        services.sms_send(contact=contact, text="   ", user=staff)
    settings.SMS_MAX_SEGMENTS = 2
    with pytest.raises(ValidationError, match="3 SMS"):
        services.sms_send(contact=contact, text="a" * 307, user=staff)
    assert sms.outbox == []


def test_gateway_failure_is_stored_as_failed_and_in_history(staff, settings, closed_port):
    settings.SMS_BACKEND = "cardservices.sms.backends.http.SmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{closed_port}/sms"
    contact = ContactFactory(mobile="+4741234567")
    message = services.sms_send(contact=contact, text="Hei", user=staff)
    assert message.status == SmsMessage.Status.FAILED
    assert "Fikk ikke kontakt med serveren" in message.error
    assert Entry.objects.filter(contact=contact, verb="cardservices.sms_failed").exists()


@pytest.mark.parametrize(
    "backend",
    ["cardservices.sms.backends.console.SmsBackend", "cardservices.sms.backends.http.SmsBackend"],
)
def test_without_a_gateway_nothing_is_stored_or_claimed_as_sent(staff, settings, backend):
    """In production (DEBUG off) the console backend, or the HTTP one without a URL,
    is no gateway: the SMS is refused, not stored as sent."""
    settings.DEBUG = False
    settings.SMS_BACKEND = backend
    settings.SMS_HTTP_URL = ""
    contact = ContactFactory(mobile="+4741234567")
    with pytest.raises(ValidationError, match="SMS er ikke satt opp"):
        services.sms_send(contact=contact, text="Hei", user=staff)
    assert not SmsMessage.objects.exists()
    assert not Entry.objects.filter(contact=contact, verb__startswith="cardservices.sms").exists()


def test_console_backend_while_developing_does_not_claim_a_send(staff, settings):
    settings.DEBUG = True
    settings.SMS_BACKEND = "cardservices.sms.backends.console.SmsBackend"
    contact = ContactFactory(mobile="+4741234567")
    message = services.sms_send(contact=contact, text="Hei", user=staff)
    assert message.status == SmsMessage.Status.CONSOLE
    assert message.sent_at is None
    assert message.get_status_display() == "Ikke sendt (bare skrevet i loggen)"
    assert not Entry.objects.filter(verb="cardservices.sms_sent").exists()
    entry = Entry.objects.get(contact=contact, verb="cardservices.sms_logged")
    assert "ikke sendt" in render(entry)


def test_lookup_is_stored_with_offline_facts_and_in_history(staff):
    contact = ContactFactory(mobile="+4741234567")
    lookup = services.number_lookup(contact=contact, field="mobile", user=staff)
    assert lookup.valid and lookup.number_type == "mobile" and lookup.region == "NO"
    assert lookup.national == "41 23 45 67"
    assert lookup.directory == {} and lookup.directory_error == ""
    entry = Entry.objects.get(contact=contact, verb="cardservices.number_looked_up")
    assert "+47 41 23 45 67" in render(entry)


def test_lookup_asks_the_directory_when_configured(staff, settings):
    settings.PHONE_DIRECTORY_BACKEND = "tests.cardservices.directory_stub.DirectoryBackend"
    contact = ContactFactory(mobile="+4741234567", work_phone="+4790000000")
    lookup = services.number_lookup(contact=contact, field="mobile", user=staff)
    assert lookup.directory["name"] == "Kari Nordmann"
    failed = services.number_lookup(contact=contact, field="work_phone", user=staff)
    assert failed.directory == {} and failed.directory_error == "Katalogen svarte ikke."


def test_lookup_of_an_invalid_number_is_stored_as_invalid(staff):
    contact = ContactFactory(mobile="", private_phone="+47123")
    lookup = services.number_lookup(contact=contact, field="private_phone", user=staff)
    assert not lookup.valid


def test_lookup_refuses_other_fields_and_empty_ones(staff):
    contact = ContactFactory(mobile="+4741234567", work_phone="")
    with pytest.raises(ValidationError):
        services.number_lookup(contact=contact, field="website", user=staff)
    with pytest.raises(ValidationError):
        services.number_lookup(contact=contact, field="work_phone", user=staff)
    assert not NumberLookup.objects.exists()
