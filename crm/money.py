"""Amounts and quantities as Norwegian office staff type and read them.

Reading (``parse_decimal``) does not depend on the UI language, because people type what
their keyboard and habit give them, whatever language the page is in. Accepted:

* ``1249,50`` and ``1249.50`` — one comma or one dot is the decimal separator;
* ``1 249,50`` — thousands grouped by a space, a no-break space (U+00A0) or a narrow
  no-break space (U+202F), which is what our own pages show and what is copied from them;
* ``1.249,50`` and ``1,249.50`` — when both a dot and a comma are typed, the last one is the
  decimal separator and the other can only group thousands, so it is accepted (the groups
  must be three digits each: ``1.24,50`` is refused);
* ``1.249.500`` — a separator typed more than once can only group thousands (same check);
* ``1249``, ``,5``, ``-3`` (or with the minus sign U+2212).

Refused, with the field's message and the text kept as typed: letters, ``12,3,4`` (groups
that are not thousands), ``1 24``, mixed grouping, an empty decimal part (``1249,``).
A lone ``1.249`` is 1.249, never 1249: for money it is then refused for its third decimal,
so a thousands dot is never read silently as a decimal point, nor the other way round.
Money fields also accept what our pages show — ``1 249,50 kr`` — and ``1 249,-``.

Showing goes through Django's ``number_format`` with the language's separators
(``crm/formats``: no-break space and comma in Norwegian). ``USE_THOUSAND_SEPARATOR`` stays
off on purpose: it would group every integer in every template (customer and order numbers
too), so amounts ask for grouping themselves (``force_grouping``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Space, no-break space, narrow no-break space, thin space: all group thousands.
SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-\u2212"
_ALLOWED = frozenset("0123456789.," + SPACES)
_CURRENCY = re.compile(r"^(?:kr\.?|nok)\s*|\s*(?:kr\.?|nok)$", re.IGNORECASE)
_WHOLE_KRONER = re.compile(r"[.,]-$")  # «1 249,-»: whole kroner, as on price tags


def parse_decimal(text: str) -> Decimal:
    """The number in ``text``, or ValueError when it cannot be read without guessing."""
    text = str(text).strip()
    negative = text[:1] in MINUS_SIGNS
    if negative:
        text = text[1:].lstrip()
    if not text or not _ALLOWED.issuperset(text):
        raise ValueError(text)
    integer, fraction = text, None
    last = max(text.rfind("."), text.rfind(","))
    if last >= 0 and text.count(text[last]) == 1:
        integer, fraction = text[:last], text[last + 1 :]
        if not fraction.isdigit():
            raise ValueError(text)
    digits = _ungrouped(integer) if integer else "0"
    number = digits if fraction is None else f"{digits}.{fraction}"
    try:
        value = Decimal(number)
    except InvalidOperation as error:
        raise ValueError(text) from error
    return -value if negative else value


def _ungrouped(integer: str) -> str:
    if integer.isdigit():
        return integer
    separators = {ch for ch in integer if not ch.isdigit()}
    if separators <= set(SPACES):
        groups = re.split(f"[{SPACES}]", integer)
    elif len(separators) == 1:
        groups = integer.split(separators.pop())
    else:
        raise ValueError(integer)  # «1.249 500»: two ways of grouping at once
    if not (1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])):
        raise ValueError(integer)
    return "".join(groups)


def parse_amount(text: str) -> Decimal:
    """Like ``parse_decimal``, also reading «1 249,50 kr», «NOK 1249» and «1 249,-»."""
    text = _CURRENCY.sub("", str(text).strip())
    text = _WHOLE_KRONER.sub("", text)
    return parse_decimal(text)


# --- showing -------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def amount_text(value) -> str:
    """«1 249,50»: two decimals, thousands grouped as the UI language writes them."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return number_format(number, 2, force_grouping=True)


def kr(value) -> str:
    """«1 249,50 kr» (English: «NOK 1,249.50»), never broken across two lines."""
    text = amount_text(value)
    if not text or _decimal(value) is None:
        return text
    # The translation places the currency; no-break spaces keep it beside the amount.
    return (gettext("NOK %(amount)s") % {"amount": text}).replace(" ", "\xa0")


def quantity_text(value) -> str:
    """A quantity without trailing zeros: «2», «1,5», «0,125», «1 000»."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    number = number.normalize()
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, places, force_grouping=True)


def input_text(value, places: int | None) -> str:
    """A number as an input shows it: grouped by a space where the language groups by one
    («1 249,50»); ungrouped where it groups by a comma or a dot, which would read back
    as a decimal separator («1249.50» in English)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if places is None:
        number = number.normalize()
        places = max(0, -number.as_tuple().exponent)
    grouping = get_format("THOUSAND_SEPARATOR") in SPACES
    return number_format(number, places, force_grouping=grouping)


# --- form fields ---------------------------------------------------------------------


class DecimalInput(forms.TextInput):
    """A text input, not ``type=number``: a number input in a Norwegian browser reads or
    drops the comma by the browser's own rules (it sent «1249,50» as 124950), and it
    shows no grouping. ``inputmode=decimal`` still gives phones a number keyboard."""

    places: int | None = None

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return input_text(value, self.places)
        return super().format_value(value)


class MoneyInput(DecimalInput):
    places = 2


class QuantityField(forms.DecimalField):
    """A quantity or a percentage, read by ``parse_decimal``. What cannot be read is
    refused with a message and stays in the input as it was typed."""

    widget = DecimalInput
    default_error_messages = {"invalid": _("Write a number, like 2 or 1.5.")}
    parse = staticmethod(parse_decimal)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return self.parse(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MoneyField(QuantityField):
    """An amount in kroner (two decimals)."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Write an amount in kroner, like 1,249.50."),
        "max_decimal_places": _("An amount has at most two decimals (øre), like 1,249.50."),
    }
    parse = staticmethod(parse_amount)
