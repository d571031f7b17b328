from django import template
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

register = template.Library()

_PHONE_FIELDS = [
    ("mobile", _("Mobile")),
    ("work_phone", _("Work phone")),
    ("private_phone", _("Private phone")),
]


@register.filter
def phones(obj):
    """(label, PhoneNumber) for each phone the object has, in a fixed order."""
    return [
        (label, getattr(obj, name)) for name, label in _PHONE_FIELDS if getattr(obj, name, None)
    ]


@register.filter
def orgnr_format(value: str) -> str:
    """«988077917» → «988 077 917»."""
    return orgnr.format(value) if value else ""
