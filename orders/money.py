"""Money in NOK: Decimal amounts and the one rounding rule the whole app uses.

The rule (documented in the README): each line's net amount
``quantity × unit price × (1 − discount % / 100)`` is rounded to whole øre, half up
(ROUND_HALF_UP, as Norwegian invoices round: 0.005 → 0.01). The net amounts are summed
per VAT rate, and the VAT of each rate is that sum × the rate, rounded to øre half up,
once per rate (not per line): this is what the invoice prints and what EHF requires
(Peppol BR-CO-17: a VAT category's tax = its taxable amount × its rate, rounded to two
decimals), so the PDF, the page and the EHF file always show the same øre.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")
HUNDRED = Decimal(100)


def round_ore(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(ORE, rounding=ROUND_HALF_UP)


def line_net(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> Decimal:
    return round_ore(
        Decimal(quantity) * Decimal(unit_price) * (HUNDRED - Decimal(discount_percent)) / HUNDRED
    )


def line_vat(net: Decimal, vat_rate: int) -> Decimal:
    return round_ore(Decimal(net) * Decimal(vat_rate) / HUNDRED)


def vat_label(rate: int, exempt: bool) -> str:
    from django.utils.translation import gettext

    return gettext("Exempt") if exempt else f"{rate} %"


def account_text(account: str) -> str:
    """A Norwegian bank account as banks print it: «1234 56 78903»."""
    digits = "".join(ch for ch in str(account or "") if ch.isdigit())
    if len(digits) != 11:
        return str(account or "")
    return f"{digits[:4]} {digits[4:6]} {digits[6:]}"


@dataclass
class RateTotal:
    rate: int
    net: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")
    exempt: bool = False

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def label(self) -> str:
        return vat_label(self.rate, self.exempt)


@dataclass
class Totals:
    """Totals per VAT rate (highest rate first) and in all."""

    by_rate: list[RateTotal] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum((r.net for r in self.by_rate), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return sum((r.vat for r in self.by_rate), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    def negated(self) -> Totals:
        return Totals([RateTotal(r.rate, -r.net, -r.vat, r.exempt) for r in self.by_rate])


def totals(lines) -> Totals:
    """``lines``: objects with ``quantity``, ``unit_price``, ``discount_percent``,
    ``vat_rate`` and (optionally) ``vat_exempt``. Exempt lines are a group of their own,
    apart from 0 % (zero-rated)."""
    rates: dict[tuple[int, bool], RateTotal] = {}
    for line in lines:
        rate, exempt = int(line.vat_rate), bool(getattr(line, "vat_exempt", False))
        entry = rates.setdefault((rate, exempt), RateTotal(rate, exempt=exempt))
        entry.net += line_net(line.quantity, line.unit_price, line.discount_percent)
    for entry in rates.values():
        entry.vat = line_vat(entry.net, entry.rate)
    return Totals(sorted(rates.values(), key=lambda r: (-r.rate, r.exempt)))
