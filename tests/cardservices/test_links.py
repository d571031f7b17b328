import pytest
from django.core.exceptions import ValidationError

from cardservices.links import map_links, normalise_website, website_link
from tests.contacts.factories import ContactFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.no", "https://example.no"),
        ("www.bakeri.no/om-oss", "https://www.bakeri.no/om-oss"),
        ("http://example.no", "http://example.no"),
        ("HTTPS://example.no/a?b=1", "https://example.no/a?b=1"),
        ("//example.no", "https://example.no"),
        ("example.no:8080/x", "https://example.no:8080/x"),
        ("  example.no  ", "https://example.no"),
    ],
)
def test_website_is_normalised(value, expected):
    assert normalise_website(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.no",
        "mailto:a@example.no",
    ],
)
def test_other_schemes_are_refused(value):
    with pytest.raises(ValidationError) as error:
        normalise_website(value)
    assert error.value.code == "scheme"


def test_what_is_not_an_address_is_refused():
    with pytest.raises(ValidationError):
        normalise_website("not a url")


def test_website_link_gives_the_reason_for_a_refusal():
    contact = ContactFactory.build(website="javascript:alert(1)")
    url, reason = website_link(contact)
    assert url == ""
    assert "javascript" in reason


def test_map_link_encodes_norwegian_letters():
    contact = ContactFactory.build(
        street_address="Øvre Ålesundsgate 5", postcode="6002", city="Ålesund"
    )
    [osm] = map_links(contact)
    assert osm.url == (
        "https://www.openstreetmap.org/search?query="
        "%C3%98vre%20%C3%85lesundsgate%205%2C%206002%20%C3%85lesund"
    )


def test_map_link_has_a_second_provider_when_configured(settings):
    settings.MAP_SECOND_PROVIDER_URL = "https://maps.example.com/search?q={query}"
    settings.MAP_SECOND_PROVIDER_NAME = "Kart"
    contact = ContactFactory.build(street_address="Kjærlighetsstien 1", postcode="", city="Bø")
    osm, second = map_links(contact)
    assert second.name == "Kart"
    assert second.url == "https://maps.example.com/search?q=Kj%C3%A6rlighetsstien%201%2C%20B%C3%B8"


def test_no_map_link_without_an_address():
    assert map_links(ContactFactory.build(street_address="", postcode="", city="")) == []
