from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from orders import money


def line(quantity, unit_price, vat_rate=25, discount="0", exempt=False):
    return SimpleNamespace(
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        vat_rate=vat_rate,
        discount_percent=Decimal(discount),
        vat_exempt=exempt,
    )


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "net"),
    [
        ("0.5", "0.01", "0", "0.01"),  # 0.005 rounds up, not to even
        ("1", "0.10", "12.5", "0.09"),  # 0.0875
        ("3", "33.33", "0", "99.99"),
        ("1.5", "99.99", "10", "134.99"),  # 134.9865
        ("2", "100.00", "100", "0.00"),
        ("0.001", "4.99", "0", "0.00"),  # 0.00499 rounds down
    ],
)
def test_line_net_is_rounded_half_up_to_ore(quantity, price, discount, net):
    assert money.line_net(Decimal(quantity), Decimal(price), Decimal(discount)) == Decimal(net)


def test_line_vat_is_taken_from_the_rounded_net_and_rounded_half_up():
    assert money.line_vat(Decimal("0.10"), 25) == Decimal("0.03")  # 0.025
    assert money.line_vat(Decimal("0.10"), 15) == Decimal("0.02")  # 0.015
    assert money.line_vat(Decimal("0.04"), 12) == Decimal("0.00")  # 0.0048
    assert money.line_vat(Decimal("999.99"), 0) == Decimal("0.00")


def test_totals_per_rate_and_in_all_for_mixed_vat_and_discounts():
    totals = money.totals(
        [
            line("2", "950.00", 25),  # 1900.00
            line("3", "49.90", 15, "10"),  # 134.73 (× 0.15 = 20.2095 → 20.21)
            line("1", "1200.00", 12, "5"),  # 1140.00 (× 0.12 = 136.80)
            line("4", "250.00", 0),  # 1000.00, zero-rated
            line("1", "0.10", 25),  # 0.10: 25 % of 1900.10 = 475.025 → 475.03
            line("1", "300.00", 0, exempt=True),  # 300.00, exempt: a group of its own
        ]
    )
    by_rate = {(r.rate, r.exempt): (r.net, r.vat) for r in totals.by_rate}
    assert [r.label for r in totals.by_rate] == ["25 %", "15 %", "12 %", "0 %", "Fritatt"]
    assert by_rate[25, False] == (Decimal("1900.10"), Decimal("475.03"))
    assert by_rate[15, False] == (Decimal("134.73"), Decimal("20.21"))
    assert by_rate[12, False] == (Decimal("1140.00"), Decimal("136.80"))
    assert by_rate[0, False] == (Decimal("1000.00"), Decimal("0.00"))
    assert by_rate[0, True] == (Decimal("300.00"), Decimal("0.00"))
    assert totals.net == Decimal("4474.83")
    assert totals.vat == Decimal("632.04")
    assert totals.gross == Decimal("5106.87")


def test_vat_is_rounded_once_per_rate_not_per_line():
    """Three lines of 0.10 at 25 %: per line 0.025 → 0.03 each (0.09 in all), but VAT is
    25 % of the rate's basis 0.30 = 0.075 → 0.08, rounded half up once."""
    totals = money.totals([line("1", "0.10", 25)] * 3)
    assert (totals.net, totals.vat, totals.gross) == (
        Decimal("0.30"),
        Decimal("0.08"),
        Decimal("0.38"),
    )


def test_vat_per_rate_rounds_half_up_not_to_even():
    # 0.50 × 25 % = 0.125 → 0.13, where ROUND_HALF_EVEN would give 0.12.
    assert money.totals([line("1", "0.50", 25)]).vat == Decimal("0.13")


def _half_up(value: Fraction) -> Fraction:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return Fraction(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_many_lines_add_up_exactly_to_the_totals():
    """300 awkward lines: the net totals are the sums of the rounded line amounts and the
    VAT of each rate its basis × the rate rounded half up once, to the øre, checked
    against exact fractions."""
    lines = [
        line(
            f"{(i % 7) + 1}.{i % 1000:03d}",
            f"{(i * 37) % 5000}.{(i * 13) % 100:02d}",
            [25, 15, 12, 0][i % 4],
            f"{(i * 3) % 50}.{i % 100:02d}",
        )
        for i in range(300)
    ]
    totals = money.totals(lines)
    expected: dict[int, list[Fraction]] = {}
    for item in lines:
        exact = (
            Fraction(item.quantity)
            * Fraction(item.unit_price)
            * (100 - Fraction(item.discount_percent))
            / 100
        )
        net = _half_up(exact)
        sums = expected.setdefault(item.vat_rate, [Fraction(0), Fraction(0)])
        sums[0] += net
    for rate, sums in expected.items():
        sums[1] = _half_up(sums[0] * rate / 100)
    for rate_total in totals.by_rate:
        assert Fraction(rate_total.net) == expected[rate_total.rate][0]
        assert Fraction(rate_total.vat) == expected[rate_total.rate][1]
    assert totals.gross == totals.net + totals.vat
    assert all(t.net.as_tuple().exponent == -2 for t in totals.by_rate)


def test_negated_totals_for_a_credit_note():
    totals = money.totals([line("1", "100.00", 25)]).negated()
    assert (totals.net, totals.vat, totals.gross) == (
        Decimal("-100.00"),
        Decimal("-25.00"),
        Decimal("-125.00"),
    )
