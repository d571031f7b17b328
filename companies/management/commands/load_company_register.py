import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from companies.register.bulk import BulkFormatError, load, looks_like_branches


class Command(BaseCommand):
    help = (
        "Load the company register's bulk download (enheter_alle.json.gz, "
        "underenheter_alle.json.gz or the CSV files, gzipped or not) into the table the "
        "offline register backend answers from. Running it again updates what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind",
            choices=["auto", "enheter", "underenheter"],
            default="auto",
            help="main units or branches (default: «underenheter» in the file name)",
        )

    def handle(self, *args, file: Path, kind="auto", **options):
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        branches = looks_like_branches(file) if kind == "auto" else kind == "underenheter"
        quiet = options["verbosity"] == 0
        with (
            file.open("rb") as raw,
            tqdm(unit="units", desc=file.name, disable=quiet, file=self.stderr._out) as bar,
        ):
            try:
                loaded, skipped = load(raw, branches=branches, progress=bar.update)
            except (BulkFormatError, csv.Error, UnicodeError, OSError, EOFError) as error:
                raise CommandError(f"{file} is not a register download: {error}") from error
        what = "branches" if branches else "main units"
        self.stdout.write(f"Done: {loaded} {what} loaded, {skipped} records skipped.")
