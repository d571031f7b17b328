"""What the phonenumbers library knows about a number, offline."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType, carrier

TYPE_LABELS = {
    "mobile": _("Mobile"),
    "fixed_line": _("Fixed line"),
    "fixed_line_or_mobile": _("Fixed line or mobile"),
    "toll_free": _("Toll-free"),
    "premium_rate": _("Premium rate"),
    "shared_cost": _("Shared cost"),
    "voip": _("IP telephony"),
    "personal_number": _("Personal number"),
    "pager": _("Pager"),
    "uan": _("Company number"),
    "voicemail": _("Voicemail"),
    "unknown": _("Unknown"),
}
_TYPE_KEYS = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}


@dataclass(frozen=True)
class NumberFacts:
    raw: str
    parsed: bool
    valid: bool
    number_type: str  # a key of TYPE_LABELS, "" when not parsed
    region: str
    carrier: str
    national: str
    international: str
    e164: str

    @property
    def can_receive_sms(self) -> bool:
        return self.valid and self.number_type in ("mobile", "fixed_line_or_mobile")

    def as_dict(self) -> dict:
        return asdict(self)


def number_facts(value) -> NumberFacts:
    """Facts about ``value`` (a PhoneNumber, or text read with the default region)."""
    raw = getattr(value, "raw_input", None) or str(value or "")
    try:
        number = (
            value
            if isinstance(value, phonenumbers.PhoneNumber) and value.country_code
            else phonenumbers.parse(str(value), settings.PHONENUMBER_DEFAULT_REGION)
        )
    except phonenumbers.NumberParseException:
        return NumberFacts(raw, False, False, "", "", "", "", "", "")
    valid = phonenumbers.is_valid_number(number)
    fmt = phonenumbers.PhoneNumberFormat
    return NumberFacts(
        raw=raw,
        parsed=True,
        valid=valid,
        number_type=_TYPE_KEYS.get(phonenumbers.number_type(number), "unknown"),
        region=phonenumbers.region_code_for_number(number) or "",
        # Carriers are known per number range; numbers move between operators, so
        # this is the operator that got the range, not necessarily today's.
        carrier=carrier.name_for_number(number, "no") if valid else "",
        national=phonenumbers.format_number(number, fmt.NATIONAL) if valid else "",
        international=phonenumbers.format_number(number, fmt.INTERNATIONAL),
        e164=phonenumbers.format_number(number, fmt.E164),
    )
