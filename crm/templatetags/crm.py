import functools
from typing import NamedTuple

import phonenumbers
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
def user_name(user) -> str:
    """A user's name, or «Tidligere bruker» for one who has left (crm.users)."""
    from crm.users import display_name

    return display_name(user)


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


class PhoneText(NamedTuple):
    """A phone number to show: ``href`` (tel:) and ``text`` («+47 412 34 567»). Named
    fields, not indexes: a template's ``phone.0`` costs a failed attribute lookup first."""

    href: str
    text: str


@functools.lru_cache(maxsize=4096)
def _phone_text(e164: str) -> PhoneText:
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return PhoneText(f"tel:{e164}", e164)  # stored before validation: shown as it is
    return PhoneText(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


@register.filter
def phone_text(value) -> PhoneText | None:
    """One phone number to show, or None when empty."""
    if not value:
        return None
    return _phone_text(str(value.as_e164 if hasattr(value, "as_e164") else value))


@register.filter
def initials(name) -> str:
    """Up to two initials for an avatar: «Kari Nordmann» → «KN», «Ås» → «Å»."""
    words = [w for w in str(name or "").replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    picked = [words[0], words[-1]] if len(words) > 1 else words[:1]
    return "".join(w[0].upper() for w in picked)
