"""Columns guessed from the headers, Norwegian or English, or taken from a saved mapping."""

from imports.fields import columns_from_mapping, guess_columns


def test_norwegian_headers_are_recognised():
    headers = [
        "Etternavn",
        "Fornavn",
        "Firma",
        "Org.nr.",
        "Kundenr",
        "Mobil",
        "Postnr",
        "Poststed",
        "Adresse",
        "E-post",
        "Stilling",
        "Land",
        "Kategori",
        "Eier",
        "Ukjent",
    ]

    columns = guess_columns(headers)

    assert [columns.get(str(i)) for i in range(len(headers))] == [
        "last_name",
        "first_name",
        "company_name",
        "org_number",
        "customer_number",
        "mobile",
        "postcode",
        "city",
        "street_address",
        "email",
        "position",
        "country",
        "categories",
        "owner",
        None,
    ]


def test_english_headers_are_recognised():
    headers = [
        "Last Name",
        "First name",
        "Company",
        "E-mail",
        "Mobile Phone",
        "ZIP",
        "City",
        "Job Title",
        "Customer No",
    ]

    columns = guess_columns(headers)

    assert [columns[str(i)] for i in range(len(headers))] == [
        "last_name",
        "first_name",
        "company_name",
        "email",
        "mobile",
        "postcode",
        "city",
        "position",
        "customer_number",
    ]


def test_a_field_is_guessed_for_one_column_only():
    assert guess_columns(["Epost", "E-post"]) == {"0": "email"}


def test_a_saved_mapping_finds_its_columns_by_header_wherever_they_are():
    saved = {"Navn på kunde": "company_name", "Kontakt etternavn": "last_name"}

    columns = columns_from_mapping(["Kontakt etternavn", "Annet", "Navn på kunde"], saved)

    assert columns == {"0": "last_name", "2": "company_name"}
