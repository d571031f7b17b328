"""Every read the file area needs, and the one decision on which files a user may see.

Access: a user with CRM access sees a file when

- it is linked to a contact, company or project (those are open to every CRM user), or
- an app shares it through a source registered in :mod:`files.access` (the mailbox: the
  attachments of the messages the user may read),

unless a hiding rule registered there hides it (the mailbox: attachments of messages linked
to a contact whose e-mail is locked, from everyone but the firm's administrators). A rule
hides a file everywhere, even where it is also linked into a file area.

:func:`files_visible_to` decides every download, e-mail attachments included. The file
area itself (the tab, «Hent fra systemet», delete and «Fjern herfra») deals only in linked
files (:func:`file_area_files_visible_to`), under the same hiding rules.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from crm.access import has_crm_access
from crm.pagination import page_of, page_with_total

from . import access
from .models import FileLink, StoredFile

PER_PAGE = 25
SORTS = {
    "name": ("file__name", "id"),
    "size": ("file__size", "id"),
    "type": ("file__content_type", "id"),
    "uploader": ("file__uploader__first_name", "file__uploader__last_name", "id"),
    "date": ("created_at", "id"),
}
DEFAULT_SORT = "-date"
SCOPES = ("all", "contact", "company", "project")


def _not_hidden(user, *, file_ref: str = "pk") -> Q:
    hidden = access.hidden_from(user, file_ref=file_ref)
    return Q() if hidden is None else ~hidden


def files_visible_to(user):
    """Every file ``user`` may download: linked somewhere or shared by a source, and
    not hidden. One query, each rule an EXISTS on the file's id."""
    if not has_crm_access(user):
        return StoredFile.objects.none()
    visible = Q(Exists(FileLink.objects.filter(file=OuterRef("pk"))))
    shared = access.shared_with(user)
    if shared is not None:
        visible |= shared
    return StoredFile.objects.filter(visible, _not_hidden(user))


def file_area_files_visible_to(user):
    """The files of the file areas ``user`` may see: linked somewhere and not hidden."""
    if not has_crm_access(user):
        return StoredFile.objects.none()
    return StoredFile.objects.linked().filter(_not_hidden(user))


def visible_files(files, viewer):
    """crm.visibility's rule for stored files (Django admin): :func:`files_visible_to`."""
    return files.filter(pk__in=files_visible_to(viewer).values("pk"))


def visible_links(links, viewer):
    """crm.visibility's rule for file links: a link shows its file, so it is hidden with
    it (delete previews, Django admin)."""
    if not has_crm_access(viewer):
        return links.none()
    return links.filter(_not_hidden(viewer, file_ref="file_id"))


def file_for_user(*, user, pk: int) -> StoredFile:
    """A file to download (404 unless visible)."""
    return get_object_or_404(files_visible_to(user), pk=pk)


def file_area_file_for_user(*, user, pk: int) -> StoredFile:
    """A file of the file area, to delete (404 unless linked somewhere and visible)."""
    return get_object_or_404(file_area_files_visible_to(user), pk=pk)


def link_for_user(*, user, pk: int) -> FileLink:
    if not has_crm_access(user):
        return get_object_or_404(FileLink.objects.none(), pk=pk)
    return get_object_or_404(
        FileLink.objects.filter(_not_hidden(user, file_ref="file_id")).select_related(
            "file", "contact", "company", "project"
        ),
        pk=pk,
    )


def clean_sort(value: str | None) -> str:
    value = (value or "").strip()
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def _order(sort: str) -> list[str]:
    descending = sort.startswith("-")
    fields = SORTS[sort.lstrip("-")]
    return [f"-{f}" if descending else f for f in fields]


def _places_only(queryset):
    """A link with just enough of its place to name it: the place rows are wide."""
    return queryset.select_related("contact", "company", "project").only(
        "created_at",
        "file_id",
        "contact_id",
        "company_id",
        "project_id",
        "contact__first_name",
        "contact__last_name",
        "company__name",
        "project__name",
    )


def file_links_for_place(
    *, user, kind: str, obj, sort: str = DEFAULT_SORT, page: str | int | None = 1
):
    """One page of the files linked to a contact, company or project that ``user`` may
    see, each with every place it is linked (``link.file.all_links``) so "where else"
    costs no extra query."""
    other_links = Prefetch(
        "file__links",
        queryset=_places_only(FileLink.objects.order_by("created_at", "id")),
        to_attr="all_links",
    )
    queryset = (
        FileLink.objects.filter(_not_hidden(user, file_ref="file_id"), **{kind: obj})
        .select_related("file", "file__uploader")
        .only(
            "created_at",
            "file_id",
            f"{kind}_id",
            "file__name",
            "file__size",
            "file__content_type",
            "file__uploader_id",
            "file__uploader__first_name",
            "file__uploader__last_name",
            "file__uploader__username",
            "file__uploader__is_active",
        )
        .prefetch_related(other_links)
        .order_by(*_order(clean_sort(sort)))
    )
    return page_with_total(queryset, page, PER_PAGE)


def _pickable_here(user, kind: str, obj):
    here = FileLink.objects.filter(file=OuterRef("pk"), **{kind: obj})
    return file_area_files_visible_to(user).exclude(Exists(here))


def file_picker_chosen(*, user, kind: str, obj, ids: list[int]) -> list[StoredFile]:
    """The files chosen so far in «Hent fra systemet» that may still be linked here
    (visible to ``user``, not linked here yet); a crafted or hidden id is dropped."""
    if not ids:
        return []
    return list(
        _pickable_here(user, kind, obj).filter(pk__in=ids[: PER_PAGE * 20]).order_by("name", "id")
    )


def file_picker(*, user, kind: str, obj, term: str = "", scope: str = "all", page=1):
    """«Hent fra systemet»: files linked elsewhere that the user can see, not yet linked
    here, narrowed by the kind of place and by a word in the file's or a place's name.
    Only files of file areas: an e-mail attachment linked nowhere else is not offered."""
    queryset = _pickable_here(user, kind, obj)
    if scope in ("contact", "company", "project"):
        queryset = queryset.filter(
            Exists(FileLink.objects.filter(file=OuterRef("pk"), **{f"{scope}__isnull": False}))
        )
    term = term.strip()[:100]
    if term:
        in_places = FileLink.objects.filter(file=OuterRef("pk")).filter(
            Q(contact__last_name__icontains=term)
            | Q(contact__first_name__icontains=term)
            | Q(company__name__icontains=term)
            | Q(project__name__icontains=term)
        )
        queryset = queryset.filter(Q(name__icontains=term) | Exists(in_places))
    queryset = (
        queryset.select_related("uploader")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=FileLink.objects.select_related("contact", "company", "project").order_by(
                    "created_at", "id"
                ),
                to_attr="all_links",
            )
        )
        .order_by("-created_at", "-id")
    )
    return page_of(queryset, page, PER_PAGE)
