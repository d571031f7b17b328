"""Projects: the list, «Nytt prosjekt», the project page with its tabs, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from crm.access import crm_view
from crm.deletion import confirm_page, delete_consequences
from crm.forms import apply_validation_error
from crm.tabs import TAB_VARY_HEADERS, wants_panel_only

from .. import pickers, selectors, services
from ..forms import ProjectForm
from ..models import Project
from ..tabs import project_tabs
from . import lists


def _project_form_context(form, **extra) -> dict:
    participants = pickers.contact_picker(form, label=_("Participants"))
    return {"form": form, "contact_picker": participants, **extra}


@require_GET
@crm_view
def project_list(request):
    page = lists.page(request, selectors.project_list())
    return render(request, "activities/project_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@crm_view
def project_create(request):
    form = ProjectForm(pickers.posted(request))
    if pickers.saving(form):
        try:
            project = services.project_create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                status=form.cleaned_data["status"],
                participants=form.cleaned_data["contacts"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "activities/project_form.html", _project_form_context(form))


@require_GET
@vary_on_headers(*TAB_VARY_HEADERS)
@crm_view
def project_detail(request, pk: int, tab: str | None = None):
    project = selectors.project_for_page(pk=pk)
    context = {"project": project, **project_tabs.render_context(request, project, tab)}
    if wants_panel_only(request, tab):
        return render(request, "activities/project_detail.html#tab-panel", context)
    return render(request, "activities/project_detail.html", context)


@require_http_methods(["GET", "POST"])
@crm_view
def project_update(request, pk: int):
    project = selectors.project_for_page(pk=pk)
    form = ProjectForm(pickers.posted(request), instance=project)
    if pickers.saving(form):
        try:
            services.project_update(
                project=project,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                status=form.cleaned_data["status"],
                participants=form.cleaned_data["contacts"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(project)
    return render(
        request, "activities/project_form.html", _project_form_context(form, project=project)
    )


@require_http_methods(["GET", "POST"])
@crm_view
def project_delete(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    if request.method == "POST":
        services.project_delete(project=project)
        messages.success(request, _("%(name)s was deleted.") % {"name": project.name})
        return redirect("activities:project_list")
    return confirm_page(
        request,
        question=_("Delete %(what)s «%(name)s»?") % {"what": _("the project"), "name": project},
        consequences=delete_consequences(project, viewer=request.user),
        cancel_url=project.get_absolute_url(),
    )
