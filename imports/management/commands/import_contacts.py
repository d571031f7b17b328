"""``manage.py import_contacts FILE [--mapping NAME] [--dry-run] [--match KEY ...]``

Without ``--mapping`` the columns are guessed from the headers. Prints the same report as
the page's dry run (counts, then each refused row with its row, column and reason); with
``--dry-run`` nothing is written. The import is kept as a job, so it can be undone from
its page like one started there.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports import services
from imports.fields import BY_KEY, columns_from_mapping, guess_columns
from imports.models import DEFAULT_MATCH_KEYS, MATCH_KEYS, ImportJob, ImportMapping
from imports.undo import mark_finished
from imports.writing import ImportConflict, write_plan


class Command(BaseCommand):
    help = "Import contacts and companies from a CSV, XLSX or vCard file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--mapping", help="name of a saved column mapping")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
        parser.add_argument(
            "--match",
            nargs="*",
            choices=[key for key, _label in MATCH_KEYS],
            help=f"keys that find an existing record (default: {' '.join(DEFAULT_MATCH_KEYS)})",
        )

    def handle(self, *args, file, mapping=None, dry_run=False, match=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            table = services.read_upload(data=path.read_bytes(), file_name=path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        saved = None
        if mapping:
            saved = ImportMapping.objects.filter(name=mapping).first()
            if saved is None:
                raise CommandError(f"No saved mapping is called «{mapping}».")
            columns = columns_from_mapping(table.headers, saved.columns)
            keys = saved.match_keys
        else:
            columns = guess_columns(table.headers)
            keys = DEFAULT_MATCH_KEYS
        if match is not None:
            keys = match
        self.stdout.write("Columns:")
        for index, header in enumerate(table.headers):
            key = columns.get(str(index))
            self.stdout.write(f"  {header!r:30} → {BY_KEY[key].label if key else '—'}")
        job = ImportJob(
            file_name=path.name,
            columns=columns,
            match_keys=keys,
            mapping=saved,
            total_rows=len(table.rows),
            headers=table.headers,
        )
        plan = services.job_plan(job, table)
        self._report(plan)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        job.file.save(path.name, ContentFile(path.read_bytes()), save=False)
        job.status = ImportJob.Status.RUNNING
        job.save()
        with tqdm(total=len(plan.rows), unit="rows", disable=options["verbosity"] < 1) as bar:
            try:
                write_plan(plan=plan, job=job, actor=None, progress=bar.update)
            except ImportConflict as error:
                job.status, job.error = ImportJob.Status.FAILED, str(error)
                mark_finished(job)
                job.save()
                raise CommandError(str(error)) from None
        counts = plan.counts()
        mark_finished(job)
        job.status, job.report = ImportJob.Status.DONE, plan.report()
        job.created_count, job.updated_count = counts["created"], counts["updated"]
        job.skipped_count, job.refused_count = counts["skipped"], counts["refused"]
        job.processed_rows = len(plan.rows)
        job.save()
        self.stdout.write(self.style.SUCCESS(f"Imported as job {job.pk}."))

    def _report(self, plan):
        counts = plan.counts()
        self.stdout.write(
            "Rows: {total}; created {created}, updated {updated}, skipped {skipped},"
            " refused {refused}".format(total=len(plan.rows), **counts)
        )
        for error in plan.errors():
            column = error["column"] or "–"
            self.stdout.write(f"  row {error['row']}, {column}: {error['message']}")
