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


@register.filter
def http_url(value: str) -> str:
    """``value`` when it is an http(s) URL, else "" — never a javascript: or data: href."""
    from urllib.parse import urlsplit

    text = "".join(ch for ch in (value or "") if ch.isprintable() and not ch.isspace())
    return text if urlsplit(text).scheme.lower() in ("http", "https") else ""
