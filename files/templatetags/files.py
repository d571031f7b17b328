from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def place_name(link) -> str:
    place = link.place
    if place is None:
        return ""
    return getattr(place, "full_name", None) or str(place)


@register.filter
def place_url(link) -> str:
    place = link.place
    try:
        return place.get_absolute_url() if place is not None else ""
    except NoReverseMatch:  # a kind of page not built yet
        return ""


@register.filter
def others(links, link) -> list:
    """The file's other places, beside ``link``."""
    return [other for other in links if other.pk != link.pk]
