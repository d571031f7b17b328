"""The import runs in the background (``manage.py db_worker``), the page shows its progress."""

from django.tasks import task


@task
def preview_import(job_id: int) -> dict:
    from .models import ImportJob
    from .services import job_preview

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.CHECKING:
        return {"job": job_id, "skipped": True}
    job_preview(job=job)
    return {"job": job_id, "status": "previewed"}


@task
def run_import(job_id: int) -> dict:
    from .models import ImportJob
    from .services import job_run

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return {"job": job_id, "skipped": True}
    job = job_run(job=job)
    return {"job": job_id, "status": job.status}
