"""The card header's «company · position» line (companies/partials/card_header_company.html,
put on the card through the ``contact_card_header`` action slot)."""

from django import template

from ..selectors import current_link_for_card

register = template.Library()


@register.simple_tag
def current_company_link(contact):
    return current_link_for_card(contact=contact)
