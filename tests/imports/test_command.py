"""``manage.py import_contacts``: the page's report on the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact
from history.models import Entry
from imports.models import ImportJob, ImportMapping
from tests.imports.files import ROW_OLA, ROW_PRIVATE, csv_bytes

pytestmark = pytest.mark.django_db


def _run(path, *args) -> str:
    out = StringIO()
    call_command("import_contacts", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_dry_run_guesses_the_columns_reports_and_writes_nothing(tmp_path):
    path = tmp_path / "kunder.csv"
    bad = ["Feil", "Ola", "", "", "abc", "", "", "", "", "", ""]
    path.write_bytes(csv_bytes([ROW_OLA, ROW_PRIVATE, bad], encoding="cp1252"))

    output = _run(path, "--dry-run")

    assert "'Etternavn'" in output and "→ Etternavn" in output
    assert "Rows: 3; created 2, updated 0, skipped 0, refused 1" in output
    assert "row 4, Kundenr: «abc» er ikke et kundenummer." in output
    assert "nothing was written" in output
    assert not Contact.objects.exists()
    assert not ImportJob.objects.exists()


def test_the_import_is_kept_as_a_job_and_credited_to_the_command(tmp_path):
    path = tmp_path / "kunder.csv"
    path.write_bytes(csv_bytes([ROW_PRIVATE]))

    output = _run(path)

    job = ImportJob.objects.get()
    assert f"Imported as job {job.pk}." in output
    assert job.status == ImportJob.Status.DONE
    contact = Contact.objects.get()
    entry = Entry.objects.get(contact=contact, verb="imports.imported")
    assert (entry.actor, entry.actor_label) == (None, "import_contacts")


def test_a_named_mapping_is_used(tmp_path):
    ImportMapping.objects.create(name="Visma", columns={"Navn": "last_name"}, match_keys=[])
    path = tmp_path / "visma.csv"
    path.write_bytes(csv_bytes([["Hansen", "x"]], header=["Navn", "Etternavn"]))

    _run(path, "--mapping", "Visma")

    # «Etternavn» is not in the mapping, so only «Navn» is read.
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Hansen"]


def test_an_unknown_mapping_or_file_is_a_clear_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([ROW_OLA]))
    with pytest.raises(CommandError, match="No saved mapping"):
        _run(path, "--mapping", "Finnes ikke")
    with pytest.raises(CommandError, match="No such file"):
        _run(tmp_path / "borte.csv")
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Filen er tom"):
        _run(empty)
