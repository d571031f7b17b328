"""Notes on a contact, a company or a project: new (from the notes tab), edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from companies.models import Company
from contacts.models import Contact
from crm.access import crm_view
from crm.deletion import confirm_page
from crm.forms import apply_validation_error
from crm.next_url import next_url
from crm.params import id_param

from .. import selectors, services
from ..forms import NoteEditForm, NoteForm
from ..models import Project
from ..tabs import card_tab_panel, project_tabs


@require_POST
@crm_view
def note_create(request):
    """A new note on ?contact=, ?company= or ?project=; answers with the refreshed tab."""
    contact = company = project = None
    if (pk := id_param(request.GET, "contact")) is not None:
        contact = get_object_or_404(Contact, pk=pk)
    elif (pk := id_param(request.GET, "company")) is not None:
        company = get_object_or_404(Company, pk=pk)
    elif (pk := id_param(request.GET, "project")) is not None:
        project = get_object_or_404(Project, pk=pk)
    else:
        return HttpResponse(_("Say where the note belongs."), status=400)
    form = NoteForm(request.POST, company=company)
    saved = False
    if form.is_valid():
        try:
            services.note_create(
                author=request.user,
                text=form.cleaned_data["text"],
                private=form.cleaned_data["private"],
                contact=contact,
                company=company,
                project=project,
                contact_persons=form.cleaned_data.get("contact_persons") or (),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            saved = True
    # A refused note comes back in the tab with its errors.
    refused = {} if saved else {"note_form": form}
    if contact is not None:
        url = reverse("contacts:tab", args=[contact.pk, "notes"])
        if request.htmx:
            return card_tab_panel(request, contact.pk, "notes", **refused)
    elif company is not None:
        url = reverse("companies:tab", args=[company.pk, "notes"])
        if request.htmx:
            from companies.tabs import company_tabs

            context = {
                "company": company,
                **company_tabs.render_context(request, company, "notes", **refused),
            }
            return render(request, "companies/company_detail.html#tab-panel", context)
    else:
        url = reverse("activities:project_tab", args=[project.pk, "notes"])
        if request.htmx:
            context = {
                "project": project,
                **project_tabs.render_context(request, project, "notes", **refused),
            }
            return render(request, "activities/project_detail.html#tab-panel", context)
    if saved:
        messages.success(request, _("The note was saved."))
    else:
        messages.error(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect(url)


def _own_note(request, pk: int):
    note = selectors.note_for_user(user=request.user, pk=pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    return note


def _note_home_url(note) -> str:
    if note.contact_id:
        return reverse("contacts:tab", args=[note.contact_id, "notes"])
    if note.company_id:
        return reverse("companies:tab", args=[note.company_id, "notes"])
    return reverse("activities:project_tab", args=[note.project_id, "notes"])


@require_http_methods(["GET", "POST"])
@crm_view
def note_update(request, pk: int):
    note = _own_note(request, pk)
    form = NoteEditForm(request.POST or None, instance=note)
    default_next = _note_home_url(note)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                note=note, text=form.cleaned_data["text"], private=form.cleaned_data["private"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(next_url(request, default_next))
    return render(
        request,
        "activities/note_form.html",
        {"form": form, "note": note, "next": next_url(request, default_next)},
    )


@require_http_methods(["GET", "POST"])
@crm_view
def note_delete(request, pk: int):
    note = _own_note(request, pk)
    default_next = _note_home_url(note)
    if request.method == "POST":
        services.note_delete(note=note, actor=request.user)
        messages.success(request, _("The note was deleted."))
        return redirect(next_url(request, default_next))
    return confirm_page(
        request,
        # the author's own note: its text, private or not
        question=_("Delete %(what)s «%(name)s»?")
        % {"what": _("the note"), "name": note.text[:60]},
        consequences=[],
        cancel_url=default_next,
        next_url=next_url(request, default_next),
    )
