"""Links the card opens in the user's browser: map searches and the website.

The server builds URLs only; it never fetches a map tile or a web page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

OSM_SEARCH = "https://www.openstreetmap.org/search?query={query}"
ALLOWED_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers drop tabs, newlines and other controls inside URLs ("java\tscript:").
_CONTROLS = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class MapLink:
    name: str
    url: str


def address_query(contact) -> str:
    place = " ".join(p for p in (contact.postcode.strip(), contact.city.strip()) if p)
    parts = [contact.street_address.strip(), place]
    if contact.country and contact.country != "NO":
        parts.append(contact.country)
    return ", ".join(p for p in parts if p)


def map_links(contact) -> list[MapLink]:
    query = address_query(contact)
    if not query:
        return []
    # quote() encodes æøå as UTF-8 (%C3%A6 …) and spaces as %20, which every provider reads.
    encoded = quote(query, safe="")
    links = [MapLink("OpenStreetMap", OSM_SEARCH.format(query=encoded))]
    second = settings.MAP_SECOND_PROVIDER_URL
    if second and urlsplit(second).scheme in ALLOWED_SCHEMES and "{query}" in second:
        links.append(
            MapLink(
                settings.MAP_SECOND_PROVIDER_NAME or urlsplit(second).hostname or "",
                second.replace("{query}", encoded),
            )
        )
    return links


def normalise_website(value: str) -> str:
    """An http(s) URL for ``value``, with ``https://`` added when no scheme is given.

    Raises ValidationError for any other scheme (javascript:, data:, file:, …) and for
    what is not a URL at all.
    """
    text = _CONTROLS.sub("", value or "")
    if not text:
        raise ValidationError(_("There is no website address."), code="empty")
    match = _SCHEME.match(text)
    # "example.no:8080/x" has a port, not a scheme.
    if match and not re.match(r"^\d", text[match.end() :]):
        if match.group(1).lower() not in ALLOWED_SCHEMES:
            raise ValidationError(
                _("Only http and https addresses can be opened, not «%(scheme)s:».")
                % {"scheme": match.group(1)},
                code="scheme",
            )
        url = match.group(1).lower() + ":" + text[match.end() :]
    else:
        url = "https:" + text if text.startswith("//") else "https://" + text
    try:
        URLValidator(schemes=list(ALLOWED_SCHEMES))(url)
    except ValidationError:
        raise ValidationError(
            _("«%(value)s» is not a web address.") % {"value": value}, code="invalid"
        ) from None
    return url


def website_link(contact) -> tuple[str, str]:
    """(url, "") for a usable website, ("", reason) when refused, ("", "") when none."""
    if not contact.website:
        return "", ""
    try:
        return normalise_website(contact.website), ""
    except ValidationError as error:
        return "", error.messages[0]
