"""/files: metadata, upload and download, by the file area's rules.

Which files a user may see is ``files.selectors.files_visible_to``: linked somewhere or
shared by a source (an e-mail the user may read), and never an attachment hidden by the
e-mail lock unless the user is an administrator.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from activities.models import Project
from companies.models import Company
from contacts.models import Contact
from files import selectors, services
from files.responses import file_download_response
from files.uploads import max_upload_bytes

from ..schemas import Error, FileOut, FilePage, Invalid
from ..validation import Invalid as Refused
from ..validation import serviced
from .common import ListQuery, listed, page

router = Router(tags=["files"])


class FileQuery(ListQuery):
    contact: int | None = Field(None, description="Linked to this contact.")
    company: int | None = None
    project: int | None = None


def file_out(f) -> dict:
    return {
        "id": f.pk,
        "name": f.name,
        "size": f.size,
        "content_type": f.content_type,
        "sha256": f.sha256,
        "uploader": f.uploader_id,
        "created_at": f.created_at,
    }


@router.get("/files", response=FilePage)
def file_list(request, query: Query[FileQuery]):
    files = selectors.files_visible_to(request.user)
    for place in ("contact", "company", "project"):
        value = getattr(query, place)
        if value is not None:
            files = files.filter(**{f"links__{place}": value})
    if query.updated_since is not None:
        files = files.filter(updated_at__gte=query.updated_since)
    rows, following = page(files.distinct(), query)
    return listed([file_out(f) for f in rows], following)


class UploadPlace(Schema):
    contact: int | None = None
    company: int | None = None
    project: int | None = None


@router.post("/files", response={201: FileOut, 404: Error, 422: Invalid})
def file_upload(request, place: Form[UploadPlace], file: File[UploadedFile]):
    """Upload one file (multipart, field ``file``) onto a contact, a company or a project."""
    given = [name for name in ("contact", "company", "project") if getattr(place, name)]
    if len(given) != 1:
        raise Refused({"__all__": [_("Say where the file belongs.")]})
    models = {"contact": Contact, "company": Company, "project": Project}
    where = {given[0]: get_object_or_404(models[given[0]], pk=getattr(place, given[0]))}
    link = serviced(
        services.file_upload,
        content=file,
        name=file.name or "",
        uploader=request.user,
        max_size=max_upload_bytes(),
        **where,
    )
    return Status(201, file_out(link.file))


@router.get("/files/{int:file_id}", response={200: FileOut, 404: Error})
def file_detail(request, file_id: int):
    return file_out(selectors.file_for_user(user=request.user, pk=file_id))


@router.get(
    "/files/{int:file_id}/download",
    response={200: None, 404: Error},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def file_download(request, file_id: int):
    return file_download_response(selectors.file_for_user(user=request.user, pk=file_id))


@router.delete("/files/{int:file_id}", response={204: None, 404: Error})
def file_delete(request, file_id: int):
    """Delete the file from every place it is linked (as «Slett» in the file area)."""
    stored = selectors.file_area_file_for_user(user=request.user, pk=file_id)
    services.file_delete(file=stored, actor=request.user)
    return Status(204, None)
