"""Imports as jobs: upload, choose the mapping, dry run, run (in the background), undo."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .cells import as_text
from .fields import BY_KEY, columns_from_mapping, guess_columns
from .models import MATCH_KEYS, ImportJob, ImportMapping
from .plan import Plan
from .planning import build_plan
from .reading import FileError, Table, read_table
from .undo import mark_finished, undo_job
from .writing import ImportConflict, write_plan

logger = logging.getLogger(__name__)
KEYS = {key for key, _label in MATCH_KEYS}
SAMPLE_ROWS = 3


def _cell(value) -> str:
    return as_text(value)[:80]


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORTS_MAX_UPLOAD_MB", 50) * 1024 * 1024


def read_upload(*, data: bytes, file_name: str) -> Table:
    """The file as a table; ValidationError with the reason when it cannot be read."""
    if len(data) > max_upload_bytes():
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": max_upload_bytes() // 1024 // 1024},
            code="too_large",
        )
    try:
        return read_table(data, file_name)
    except FileError as error:
        raise ValidationError(str(error), code="unreadable") from None
    except (ValueError, TypeError, UnicodeError, MemoryError, RecursionError):
        logger.warning("import: unreadable file %r", file_name, exc_info=True)
        raise ValidationError(
            _("The file could not be read. Is it a CSV, XLSX or vCard file?"), code="unreadable"
        ) from None


def job_table(job: ImportJob) -> Table:
    with job.file.open("rb") as handle:
        return read_upload(data=handle.read(), file_name=job.file_name)


@transaction.atomic
def job_create(*, upload, user, mapping: ImportMapping | None = None) -> ImportJob:
    """Keep the uploaded file and guess its columns (or take them from ``mapping``)."""
    file_name = (upload.name or "import").rsplit("/", 1)[-1][:255]
    if upload.size is not None and upload.size > max_upload_bytes():
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": max_upload_bytes() // 1024 // 1024},
            code="too_large",
        )
    data = upload.read()
    table = read_upload(data=data, file_name=file_name)
    upload.seek(0)
    job = ImportJob(
        file_name=file_name,
        uploaded_by=user,
        mapping=mapping,
        total_rows=len(table.rows),
        headers=table.headers,
        sample=[[_cell(c) for c in row] for row in table.rows[:SAMPLE_ROWS]],
    )
    if mapping is not None:
        job.columns = columns_from_mapping(table.headers, mapping.columns)
        job.match_keys = [k for k in mapping.match_keys if k in KEYS]
    else:
        job.columns = guess_columns(table.headers)
        job.match_keys = ["customer_number", "org_number", "email"]
    job.file.save(file_name, upload, save=False)
    job.save()
    return job


@transaction.atomic
def job_set_mapping(
    *,
    job: ImportJob,
    columns: dict[str, str],
    match_keys: list[str],
    headers: list[str],
    save_as: str = "",
    user=None,
) -> ImportJob:
    """The user's choice of columns and keys; saved as a named mapping when named."""
    job.columns = {
        str(i): key for i, key in columns.items() if key in BY_KEY and 0 <= int(i) < len(headers)
    }
    chosen = list(job.columns.values())
    if len(chosen) != len(set(chosen)):
        raise ValidationError(_("Each field can be chosen for one column only."), code="twice")
    job.match_keys = [k for k in match_keys if k in KEYS]
    save_as = save_as.strip()
    if save_as:
        mapping, _created = ImportMapping.objects.update_or_create(
            name=save_as[:100],
            defaults={
                "columns": {headers[int(i)]: key for i, key in job.columns.items()},
                "match_keys": job.match_keys,
                "created_by": user,
            },
        )
        job.mapping = mapping
    job.save(update_fields=["columns", "match_keys", "mapping", "updated_at"])
    return job


def job_plan(job: ImportJob, table: Table | None = None) -> Plan:
    table = table or job_table(job)
    return build_plan(
        table=table, columns=job.columns, match_keys=job.match_keys, file_name=job.file_name
    )


def _store_report(job: ImportJob, plan: Plan, **extra) -> None:
    counts = plan.counts()
    job.created_count = counts["created"]
    job.updated_count = counts["updated"]
    job.skipped_count = counts["skipped"]
    job.refused_count = counts["refused"]
    job.total_rows = len(plan.rows)
    job.report = plan.report()
    for name, value in extra.items():
        setattr(job, name, value)
    job.save()


# Larger files are checked in the background: 100,000 rows take half a minute, longer
# than a web worker may keep a request (gunicorn's default timeout is 30 s).
PREVIEW_IN_REQUEST_ROWS = 5_000


@transaction.atomic
def job_check(*, job: ImportJob) -> ImportJob:
    """The dry run: now for a small file, in the background (``tasks.preview_import``)
    for a large one."""
    from .tasks import preview_import

    if job.total_rows <= PREVIEW_IN_REQUEST_ROWS:
        job_preview(job=job)
        return job
    job.status = ImportJob.Status.CHECKING
    job.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: preview_import.enqueue(job.pk))
    return job


def job_preview(*, job: ImportJob) -> Plan:
    """The dry run: what the import would do, stored on the job; nothing else is written."""
    plan = job_plan(job)
    _store_report(job, plan, status=ImportJob.Status.PREVIEWED)
    return plan


@transaction.atomic
def job_start(*, job: ImportJob) -> ImportJob:
    """Queue the real import; the background task runs it (``tasks.run_import``)."""
    from .tasks import run_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEWED:
        raise ValidationError(_("Run the dry run first."), code="not_previewed")
    job.status = ImportJob.Status.QUEUED
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def job_run(*, job: ImportJob, progress: Callable[[int], None] | None = None) -> ImportJob:
    """The import itself, batch by batch (each batch all or nothing)."""
    job.status = ImportJob.Status.RUNNING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    actor = job.uploaded_by
    try:
        plan = job_plan(job)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(plan.rows))
        with pghistory.context(user=actor.pk if actor else None, imported_from=job.file_name):
            write_plan(plan=plan, job=job, actor=actor, progress=progress)
    except (ValidationError, ImportConflict) as error:
        job.refresh_from_db(fields=["processed_rows"])
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        job.status, job.error = ImportJob.Status.FAILED, message
        mark_finished(job)
        job.save(update_fields=["status", "error", "finished_at", "history_mark", "updated_at"])
        return job
    except DatabaseError:
        logger.exception("import %s failed", job.pk)
        job.refresh_from_db(fields=["processed_rows"])
        job.status = ImportJob.Status.FAILED
        job.error = _(
            "A batch of rows could not be written, so none of its rows were; the rows before it"
            " were imported and can be undone."
        )
        mark_finished(job)
        job.save(update_fields=["status", "error", "finished_at", "history_mark", "updated_at"])
        return job
    job.refresh_from_db(fields=["processed_rows"])
    mark_finished(job)
    _store_report(job, plan, status=ImportJob.Status.DONE)
    return job


def job_undo(*, job: ImportJob, actor=None) -> dict:
    if job.status not in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        raise ValidationError(_("Only a finished import can be undone."), code="not_done")
    return undo_job(job=job, actor=actor)
