"""Cells read as the CRM's forms read them: phones, org.nr, dates, countries."""

import datetime

import pytest

from imports.cells import CellError, read_cell
from imports.fields import BY_KEY


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("412 34 567", "+4741234567"),
        ("+47 41234567", "+4741234567"),
        ("0047 22 33 44 55", "+4722334455"),
        ("73 00 00 00", "+4773000000"),
        ("+46 8 123 456 78", "+46812345678"),
    ],
)
def test_phones_are_stored_as_e164(text, stored):
    assert read_cell(BY_KEY["mobile"], text) == stored


@pytest.mark.parametrize("text", ["12345678", "123", "ring meg"])
def test_numbers_that_are_no_phone_number_are_refused(text):
    with pytest.raises(CellError):
        read_cell(BY_KEY["mobile"], text)


def test_org_numbers_are_stored_compact_and_checked():
    assert read_cell(BY_KEY["org_number"], "NO 988 077 917 MVA") == "988077917"
    with pytest.raises(CellError):
        read_cell(BY_KEY["org_number"], "988077918")


def test_dates_are_read_as_norwegians_and_excel_write_them():
    field = BY_KEY["start_date"]
    assert read_cell(field, "01.03.2024") == datetime.date(2024, 3, 1)
    assert read_cell(field, "2024-03-01") == datetime.date(2024, 3, 1)
    assert read_cell(field, datetime.datetime(2024, 3, 1, 0, 0)) == datetime.date(2024, 3, 1)
    with pytest.raises(CellError):
        read_cell(field, "1. mars")


def test_countries_by_code_or_norwegian_name():
    assert read_cell(BY_KEY["country"], "Sverige") == "SE"
    assert read_cell(BY_KEY["country"], "de") == "DE"
    with pytest.raises(CellError):
        read_cell(BY_KEY["country"], "Atlantis")


def test_customer_numbers_from_excel_arrive_as_floats_and_are_read_as_integers():
    assert read_cell(BY_KEY["customer_number"], 50001.0) == 50001
    assert read_cell(BY_KEY["customer_number"], "50 001") == 50001
