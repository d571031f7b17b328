from cardservices.numbers import number_facts
from tests.contacts.factories import ContactFactory


def test_norwegian_mobile_facts():
    facts = number_facts("+4741234567")
    assert facts.valid
    assert facts.number_type == "mobile"
    assert facts.region == "NO"
    assert facts.carrier  # the range's operator, e.g. Telia
    assert facts.national == "41 23 45 67"
    assert facts.international == "+47 41 23 45 67"
    assert facts.can_receive_sms


def test_fixed_line_cannot_receive_sms():
    facts = number_facts("22 12 34 56")
    assert facts.valid and facts.number_type == "fixed_line"
    assert not facts.can_receive_sms


def test_invalid_and_unparsable_numbers():
    assert not number_facts("+47 123").valid
    facts = number_facts("abc")
    assert not facts.parsed and not facts.valid


def test_phone_number_field_value():
    contact = ContactFactory.build(mobile="+4791234567")
    assert number_facts(contact.mobile).e164 == "+4791234567"
