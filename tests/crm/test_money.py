from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from crm.money import (
    MoneyField,
    QuantityField,
    amount_text,
    input_text,
    kr,
    parse_amount,
    parse_decimal,
    quantity_text,
)

NBSP, NNBSP = "\xa0", "\u202f"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1249,50", "1249.50"),
        ("1249.50", "1249.50"),
        ("1249", "1249"),
        ("1 249,50", "1249.50"),
        (f"1{NBSP}249,50", "1249.50"),
        (f"1{NNBSP}249,50", "1249.50"),
        ("1 249", "1249"),
        ("1 249 500,25", "1249500.25"),
        ("1.249,50", "1249.50"),  # a comma after it: the dot can only group thousands
        ("1,249.50", "1249.50"),
        ("1.249.500", "1249500"),
        ("1 249.50", "1249.50"),
        ("  1249,50  ", "1249.50"),
        ("0,5", "0.5"),
        (",5", "0.5"),
        ("1,249", "1.249"),  # one separator is the decimal separator, never a guess
        ("1.249", "1.249"),
        ("-3,5", "-3.5"),
        ("\u22123,5", "-3.5"),
        ("007", "7"),
    ],
)
def test_accepted_forms(typed, value):
    assert parse_decimal(typed) == Decimal(value)


@pytest.mark.parametrize(
    "typed",
    [
        "12,3,4",
        "abc",
        "",
        "   ",
        "-",
        "1249,",
        ",",
        "1,,5",
        "12 34",
        "1 24,50",
        "1.24,50",
        "1.249 500",
        "1,249,50.5,0",
        "1249,5 0",
        "1e5",
        "NaN",
        "Infinity",
        "12½",
        "١٢",  # Arabic-Indic digits: isdigit() says yes, we say no
        "1249 kr",  # a currency only where money is asked for
    ],
)
def test_refused_forms(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1 249,50 kr", "1249.50"),
        (f"1{NBSP}249,50{NBSP}kr", "1249.50"),
        ("kr 1249,50", "1249.50"),
        ("NOK 1,249.50", "1249.50"),
        ("1 249,-", "1249"),
        ("1249,- kr", "1249"),
        ("Kr. 99", "99"),
    ],
)
def test_money_also_reads_what_our_pages_show(typed, value):
    assert parse_amount(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["kr", "1249 kr kr", "12,3,4 kr", "1249,-,-", "€ 12"])
def test_money_refuses_the_rest(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_kroner_are_shown_the_norwegian_way():
    with translation.override("nb"):
        assert kr(Decimal("1249.5")) == f"1{NBSP}249,50{NBSP}kr"
        assert kr("8060.25") == f"8{NBSP}060,25{NBSP}kr"  # as the history stores it
        assert kr(Decimal("1234567.891")) == f"1{NBSP}234{NBSP}567,89{NBSP}kr"
        assert kr(0) == f"0,00{NBSP}kr"
        assert kr(Decimal("-125.00")) == f"-125,00{NBSP}kr"
        assert amount_text(Decimal("1249.5")) == f"1{NBSP}249,50"


def test_english_pages_write_nok_first():
    with translation.override("en"):
        assert kr(Decimal("1249.5")) == f"NOK{NBSP}1,249.50"


def test_nothing_and_nonsense_are_shown_as_they_are():
    with translation.override("nb"):
        assert kr(None) == "" and kr("") == ""
        assert kr("ukjent") == "ukjent"  # old history data: shown, never an error
        assert quantity_text(None) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2.000"), "2"),
        (Decimal("1.500"), "1,5"),
        (Decimal("0.125"), "0,125"),
        (Decimal("1000"), f"1{NBSP}000"),
        (Decimal("10.00"), "10"),
    ],
)
def test_quantities_without_trailing_zeros(value, text):
    with translation.override("nb"):
        assert quantity_text(value) == text


def test_inputs_group_by_space_and_read_back_the_same():
    with translation.override("nb"):
        assert input_text(Decimal("1249.5"), 2) == f"1{NBSP}249,50"
        assert input_text(Decimal("1.500"), None) == "1,5"
        assert parse_decimal(input_text(Decimal("1249.5"), 2)) == Decimal("1249.50")
    with translation.override("en"):
        # A comma would read back as the decimal separator: no grouping in English.
        assert input_text(Decimal("1249.5"), 2) == "1249.50"
        assert input_text(Decimal("1249"), None) == "1249"
        assert parse_decimal(input_text(Decimal("1249"), None)) == Decimal("1249")


class _Form(forms.Form):
    price = MoneyField(max_digits=12, decimal_places=2, min_value=0)
    quantity = QuantityField(max_digits=12, decimal_places=3)


def _submit(price="1249,50", quantity="1"):
    """(cleaned data, messages per field), the messages read in Norwegian."""
    with translation.override("nb"):
        form = _Form({"price": price, "quantity": quantity})
        form.is_valid()
        return form.cleaned_data, {name: [str(m) for m in e] for name, e in form.errors.items()}


def test_the_form_fields_read_norwegian_input():
    cleaned, errors = _submit(price="1 249,50", quantity="1,5")
    assert not errors
    assert cleaned == {"price": Decimal("1249.50"), "quantity": Decimal("1.5")}


def test_the_form_fields_refuse_in_norwegian():
    _, errors = _submit(price="12,3,4", quantity="tre")
    assert errors["price"] == ["Skriv et beløp i kroner, for eksempel 1 249,50."]
    assert errors["quantity"] == ["Skriv et tall, for eksempel 2 eller 1,5."]


def test_an_amount_with_a_thousands_dot_alone_is_refused_not_shrunk():
    _, errors = _submit(price="1.249")
    assert errors["price"] == ["Et beløp har høyst to desimaler (øre), for eksempel 1 249,50."]


def test_the_input_is_a_decimal_text_input_showing_norwegian_numbers():
    with translation.override("nb"):
        html = str(_Form(initial={"price": Decimal("1249.50")})["price"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert f'value="1{NBSP}249,50"' in html
