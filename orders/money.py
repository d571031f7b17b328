"""Money in NOK: Decimal amounts and the one rounding rule the whole app uses.

The rule (documented in the README): each line's net amount
``quantity × unit price × (1 − discount % / 100)`` is rounded to whole øre, half up
(ROUND_HALF_UP, as Norwegian invoices round: 0.005 → 0.01); the line's VAT is its
rounded net amount × the rate, again rounded to øre half up. Totals per VAT rate and in
all are plain sums of those rounded line amounts, so the lines always add up to the totals
printed on the invoice and no øre appears or disappears between them.
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


@dataclass
class RateTotal:
    rate: int
    net: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


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
        return Totals([RateTotal(r.rate, -r.net, -r.vat) for r in self.by_rate])


def totals(lines) -> Totals:
    """``lines``: objects with ``quantity``, ``unit_price``, ``discount_percent``, ``vat_rate``."""
    rates: dict[int, RateTotal] = {}
    for line in lines:
        net = line_net(line.quantity, line.unit_price, line.discount_percent)
        entry = rates.setdefault(int(line.vat_rate), RateTotal(int(line.vat_rate)))
        entry.net += net
        entry.vat += line_vat(net, line.vat_rate)
    return Totals(sorted(rates.values(), key=lambda r: -r.rate))
