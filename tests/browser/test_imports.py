"""An administrator imports a spreadsheet: maps a column by hand, reads the dry run, runs
the import in the background, watches it finish, and undoes it."""

import pytest
from django.core.management import call_command

from contacts.models import Contact
from imports.models import ImportMapping
from tests.browser.conftest import assert_accessible
from tests.imports.files import csv_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_import_with_a_mapping_its_preview_and_its_undo(
    live_server, page, login, firm_admin, tmp_path
):
    source = tmp_path / "fra Tripletex.csv"
    source.write_bytes(
        csv_bytes(
            [["Ødegård", "Åse", "ase@example.no"], ["Berg", "Per", "ikke-en-adresse"]],
            header=["Kundens etternavn", "Fornavn", "E-post"],
            encoding="cp1252",
        )
    )
    login(firm_admin)
    page.get_by_role("link", name="Import", exact=True).click()
    page.locator("input[name=file]").set_input_files(str(source))
    page.get_by_role("button", name="Last opp og velg kolonner").click()

    # «Kundens etternavn» is no header the guess knows: the user says what it is.
    column = page.get_by_label("Kundens etternavn")
    assert column.input_value() == ""
    assert page.get_by_label("Fornavn", exact=True).input_value() == "first_name"
    column.select_option(label="Etternavn")
    page.get_by_label("Lagre kolonneoppsettet som").fill("Tripletex")
    assert_accessible(page)
    page.get_by_role("button", name="Prøvekjør").click()

    counts = page.get_by_test_id("import-counts")
    assert "Opprettet" in counts.inner_text()
    preview = page.get_by_test_id("preview-table")
    assert "Ødegård" in preview.inner_text()
    refused = page.get_by_test_id("refused-rows")
    assert "ikke-en-adresse" in refused.inner_text()
    assert "E-post" in refused.inner_text()
    assert not Contact.objects.exists()
    assert ImportMapping.objects.get(name="Tripletex").columns["Kundens etternavn"] == "last_name"
    assert_accessible(page)

    page.get_by_role("button", name="Importer", exact=True).click()
    page.locator("progress").wait_for()
    # The background worker runs the import; the page sees it finish by itself.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.get_by_role("button", name="Angre importen").wait_for(timeout=15_000)
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Ødegård"]
    assert "Importert" in page.get_by_test_id("import-status").inner_text()

    page.get_by_role("button", name="Angre importen").click()

    page.get_by_text("Importen ble angret.").wait_for()
    assert "Angret" in page.get_by_test_id("import-status").inner_text()
    assert not Contact.objects.exists()
