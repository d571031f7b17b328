from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def nok(value) -> str:
    """An amount with two decimals and thousands grouped as the language writes them."""
    if value is None or value == "":
        return ""
    return number_format(Decimal(value), 2, force_grouping=True)


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros: 2, 1,5, 0,125."""
    if value is None or value == "":
        return ""
    value = Decimal(value).normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, places, force_grouping=True)
