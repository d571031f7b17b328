from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from crm import picker as pickers
from crm.access import crm_view
from crm.deletion import confirm_page
from crm.next_url import next_url
from crm.params import text_param
from crm.picker import Picker

from . import selectors, services
from .forms import FilePickForm
from .places import files_tab_url, place_get
from .responses import file_download_response
from .templatetags.files import place_name
from .uploads import (
    MAX_FILES_PER_REQUEST,
    SizeLimitUploadHandler,
    body_too_large,
    max_upload_bytes,
)

# --- upload -----------------------------------------------------------------------------


@csrf_exempt  # the CSRF check runs below, after the size-limiting handler is in place
@require_POST
@crm_view
def file_upload(request, kind: str, pk: int):
    place = place_get(kind, pk)
    back = files_tab_url(kind, place.pk)
    limit = max_upload_bytes()
    if body_too_large(request, limit):
        messages.error(
            request,
            _("The upload is too large. Each file may be at most %(limit)s MB.")
            % {"limit": settings.FILES_MAX_UPLOAD_MB},
        )
        return redirect(back)
    handler = SizeLimitUploadHandler(request, max_bytes=limit)
    request.upload_handlers.insert(0, handler)
    return _file_upload_checked(request, kind, place, back, handler)


@csrf_protect
def _file_upload_checked(request, kind, place, back, handler):
    uploads = request.FILES.getlist("files")
    for name in handler.too_large:
        messages.error(
            request,
            _("«%(name)s» was not uploaded: it is larger than %(limit)s MB.")
            % {"name": services.clean_name(name), "limit": settings.FILES_MAX_UPLOAD_MB},
        )
    if not uploads and not handler.too_large:
        messages.error(request, _("Choose one or more files to upload."))
    if len(uploads) > MAX_FILES_PER_REQUEST:
        messages.error(
            request,
            _("At most %(count)s files can be uploaded at once.")
            % {"count": MAX_FILES_PER_REQUEST},
        )
        return redirect(back)
    saved = []
    for upload in uploads:
        try:
            link = services.file_upload(
                content=upload,
                name=upload.name,
                uploader=request.user,
                max_size=max_upload_bytes(),
                **{kind: place},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            continue
        saved.append(link.file.name)
        if link.file.name != upload.name:
            messages.warning(
                request,
                _("The file name «%(original)s» was changed to «%(name)s».")
                % {"original": upload.name[:300], "name": link.file.name},
            )
    if saved:
        messages.success(
            request,
            _("Uploaded: %(names)s.") % {"names": ", ".join(f"«{n}»" for n in saved)},
        )
    return redirect(back)


# --- download ---------------------------------------------------------------------------


@require_GET
@crm_view
def file_download(request, pk: int):
    """The one download of a stored file, whichever app keeps it (an e-mail attachment
    too): the files app's selectors decide, with the rules other apps registered."""
    stored = selectors.file_for_user(user=request.user, pk=pk)
    return file_download_response(stored)


# --- pick from elsewhere ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@crm_view
def file_pick(request, kind: str, pk: int):
    """«Hent fra systemet»: browse and search files elsewhere, link the chosen ones here.

    The chosen files are chips of the one picker (crm/picker.py), so a new search or page
    keeps them; a «Koble hit» that fails shows the page again with the filter and them."""
    place = place_get(kind, pk)
    back = files_tab_url(kind, place.pk)
    data, errors = request.GET, []
    if request.method == "POST":
        data = pickers.unpicked_removed(request.POST, "file")
        if not pickers.searching(data) and "page" not in data:
            form = FilePickForm(data, user=request.user)
            if form.is_valid():
                chosen = list(form.cleaned_data["file"])
                for stored in chosen:
                    services.file_link(file=stored, actor=request.user, **{kind: place})
                messages.success(
                    request,
                    _("Linked here: %(names)s.")
                    % {"names": ", ".join(f"«{f.name}»" for f in chosen)},
                )
                return redirect(back)
            errors = form.errors["file"]
    term = text_param(data, "q", max_length=100)
    scope = data.get("in", "all")
    scope = scope if scope in selectors.SCOPES else "all"
    url = reverse("files:pick", args=[kind, place.pk])
    page = selectors.file_picker(
        user=request.user, kind=kind, obj=place, term=term, scope=scope, page=data.get("page")
    )
    picker = Picker(
        name="file",
        label=_("Files you can link here"),
        search_label=_("Search by file name or where it is"),
        search_url=url,
        query_name="q",
        chosen=selectors.file_picker_chosen(
            user=request.user, kind=kind, obj=place, ids=pickers.chosen_ids(data, "file")
        ),
        term=term,
        results=page,
        options_template="files/partials/file_pick_options.html",
        errors=errors,
        none_found=_("No files found."),
        filters=[
            {
                "name": "in",
                "label": _("Look in"),
                "selected": scope,
                "choices": [
                    ("all", _("Everywhere")),
                    ("contact", _("Contacts")),
                    ("company", _("Companies")),
                    ("project", _("Projects")),
                ],
            }
        ],
    )
    context = {
        "place": place,
        "kind": kind,
        "back": back,
        "term": term,
        "scope": scope,
        "page": page,
        "pick_url": url,
        "file_picker": picker,
    }
    if request.htmx and request.method == "GET":
        if request.htmx.target == f"{picker.id}-results":
            options = {
                **context,
                "results": page,
                "picker_name": picker.name,
                "multiple": True,
                "none_found": picker.none_found,
            }
            return render(request, picker.options_template, options)
        return render(request, "files/file_pick.html#picker", context)
    return render(request, "files/file_pick.html", context)


# --- unlink and delete ------------------------------------------------------------------


@require_POST
@crm_view
def link_delete(request, pk: int):
    """Remove the file from this one place ("Fjern herfra")."""
    link = selectors.link_for_user(user=request.user, pk=pk)
    back = next_url(request, files_tab_url(link.place_kind, link.place.pk))
    name = link.file.name
    deleted = services.file_unlink(link=link, actor=request.user)
    if deleted:
        messages.success(request, _("«%(name)s» was deleted.") % {"name": name})
    else:
        messages.success(
            request,
            _("«%(name)s» was removed from here; it is still linked elsewhere.") % {"name": name},
        )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@crm_view
def file_delete(request, pk: int):
    stored = selectors.file_area_file_for_user(user=request.user, pk=pk)
    links = list(stored.links.select_related("contact", "company", "project"))
    first = links[0] if links else None
    default = files_tab_url(first.place_kind, first.place.pk) if first else "/"
    back = next_url(request, default)
    if request.method == "POST":
        services.file_delete(file=stored, actor=request.user)
        messages.success(request, _("«%(name)s» was deleted.") % {"name": stored.name})
        return redirect(back)
    if len(links) > 1:
        notes = [
            _(
                "To take it away from one place only, use «Remove from here» in that file "
                "area instead."
            )
        ]
    else:
        notes = [_("The file and its contents are deleted for good.")]
    return confirm_page(
        request,
        title=_("Delete file"),
        question=_("Delete «%(name)s»?") % {"name": stored.name},
        lead=_("The file is deleted everywhere it is linked:"),
        items=[place_name(link) for link in links] if len(links) > 1 else [],
        notes=notes,
        confirm=_("Delete"),
        cancel_url=back,
        next_url=back,
    )
