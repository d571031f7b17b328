import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services


@pytest.fixture
def dry_run(firm_admin):
    """Upload ``data`` and run the dry run; the job, with its report."""

    def _dry_run(data: bytes, name: str = "kunder.csv", *, match_keys=None, columns=None):
        job = services.job_create(upload=SimpleUploadedFile(name, data), user=firm_admin)
        if match_keys is not None or columns is not None:
            services.job_set_mapping(
                job=job,
                columns=job.columns if columns is None else columns,
                match_keys=job.match_keys if match_keys is None else match_keys,
                headers=job.headers,
            )
        services.job_preview(job=job)
        return job

    return _dry_run


@pytest.fixture
def run_import(dry_run):
    """Upload, dry run and import ``data`` (as the background task would); the job."""

    def _run(data: bytes, name: str = "kunder.csv", **options):
        job = dry_run(data, name, **options)
        return services.job_run(job=job)

    return _run
