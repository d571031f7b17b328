"""The green arrow beside a contact field that starts its service (K7).

    {% load cardservices %}
    {% service_arrow contact "mobile" %}     SMS to the mobile
    {% service_arrow contact number %}       inside a loop over phones: a PhoneNumber
    {% service_arrow contact "work_phone" %} number lookup
    {% service_arrow contact "address" %}    the address in OpenStreetMap (new tab)
    {% service_arrow contact "website" %}    the website (new tab)

Renders nothing when the field is empty or its value cannot be used.
"""

from django import template
from django.urls import reverse

from ..links import map_links, website_link
from ..models import PHONE_FIELDS

register = template.Library()


def _field_for(contact, field):
    if isinstance(field, str):
        return field
    # A PhoneNumber from a loop over the contact's phones: find which field holds it.
    for name in PHONE_FIELDS:
        if getattr(contact, name, None) == field:
            return name
    return ""


@register.inclusion_tag("cardservices/partials/service_arrow.html", takes_context=True)
def service_arrow(context, contact, field):
    field = _field_for(contact, field)
    arrow = {
        "contact": contact,
        "field": field,
        "kind": "",
        "csrf_token": context.get("csrf_token"),
    }
    if field == "mobile" and contact.mobile:
        arrow.update(
            kind="sms",
            url=reverse("cardservices:sms_send", args=[contact.pk]),
            number=contact.mobile.as_international,
        )
    elif field in PHONE_FIELDS and getattr(contact, field, None):
        arrow.update(
            kind="lookup",
            url=reverse("cardservices:number_lookup", args=[contact.pk]),
            number=getattr(contact, field).as_international,
        )
    elif field == "address":
        links = map_links(contact)
        if links:
            arrow.update(kind="map", url=links[0].url)
    elif field == "website":
        url, _error = website_link(contact)
        if url:
            arrow.update(kind="website", url=url)
    return arrow
