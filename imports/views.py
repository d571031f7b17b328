"""The import pages (administrators only): upload, mapping and dry run, progress, undo."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.access import admin_view

from . import selectors, services
from .forms import MappingForm, UploadForm
from .models import ImportJob

ERRORS_SHOWN = 200


def _mapping_form(job, data=None):
    return MappingForm(data, headers=job.headers, columns=job.columns, match_keys=job.match_keys)


@require_GET
@admin_view
def job_list(request):
    return render(
        request,
        "imports/importjob_list.html",
        {"jobs": selectors.job_list(), "form": UploadForm()},
    )


@require_POST
@admin_view
def job_create(request):
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.job_create(
                upload=form.cleaned_data["file"],
                user=request.user,
                mapping=form.cleaned_data["mapping"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(job)
    return render(
        request,
        "imports/importjob_list.html",
        {"jobs": selectors.job_list(), "form": form},
        status=400,
    )


def _detail_context(job, form=None):
    report = job.report or {}
    errors = report.get("errors", [])
    form = form or _mapping_form(job)
    samples = [
        ", ".join(row[i] for row in job.sample if i < len(row) and row[i])
        for i in range(len(job.headers))
    ]
    return {
        "job": job,
        "form": form,
        "column_rows": list(zip(form.column_fields(), samples, strict=True)),
        "report": report,
        "errors": errors[:ERRORS_SHOWN],
        "more_errors": max(0, len(errors) - ERRORS_SHOWN),
        "undo": job.undo_report or {},
    }


@require_GET
@admin_view
def job_detail(request, pk: int):
    job = selectors.job_get(pk=pk)
    return render(request, "imports/importjob_detail.html", _detail_context(job))


@require_POST
@admin_view
def job_mapping(request, pk: int):
    """Save the mapping the user chose and run the dry run with it."""
    job = selectors.job_get(pk=pk)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED):
        messages.error(request, _("This import has already run."))
        return redirect(job)
    form = _mapping_form(job, request.POST)
    if form.is_valid():
        try:
            services.job_set_mapping(
                job=job,
                columns=form.columns(),
                match_keys=form.cleaned_data["match_keys"],
                headers=job.headers,
                save_as=form.cleaned_data["save_as"],
                user=request.user,
            )
            services.job_check(job=job)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(f"{job.get_absolute_url()}#preview")
    return render(request, "imports/importjob_detail.html", _detail_context(job, form), status=400)


@require_POST
@admin_view
def job_run(request, pk: int):
    job = selectors.job_get(pk=pk)
    try:
        services.job_start(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(job)


@require_GET
@admin_view
def job_progress(request, pk: int):
    job = selectors.job_get(pk=pk)
    response = render(request, "imports/importjob_detail.html#progress", {"job": job})
    if not job.is_active and request.htmx:
        response["HX-Refresh"] = "true"  # finished: the whole page shows the report
    return response


# Cells that a spreadsheet would run as a formula start with one of these.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _inert(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


@require_GET
@admin_view
def job_errors(request, pk: int):
    """The refused rows as a CSV that Excel opens with æøå right (;, UTF-8 with BOM)."""
    job = selectors.job_get(pk=pk)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Row"), _("Column"), _("Message")])
    for error in (job.report or {}).get("errors", []):
        writer.writerow([error["row"], _inert(error["column"]), _inert(error["message"])])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@require_POST
@admin_view
def job_undo(request, pk: int):
    job = selectors.job_get(pk=pk)
    try:
        report = services.job_undo(job=job, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if report["refused"]:
            messages.warning(request, _("The import was undone, except the rows listed below."))
        else:
            messages.success(request, _("The import was undone."))
    return redirect(job)
