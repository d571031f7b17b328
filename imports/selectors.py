from django.shortcuts import get_object_or_404

from .models import ImportJob, ImportMapping

JOBS_SHOWN = 50


def job_list():
    return ImportJob.objects.select_related("uploaded_by", "mapping").order_by(
        "-created_at", "-id"
    )[:JOBS_SHOWN]


def job_get(*, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("uploaded_by", "mapping"), pk=pk)


def mapping_list():
    return ImportMapping.objects.all()
