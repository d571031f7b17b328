"""The file area tab of the contact card, the company page and the project page
(registered in apps.py; see crm/tabs.py)."""

from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _

from crm.rows import add_row_urls, url_for

from . import selectors
from .places import files_tab_url, place_kind
from .uploads import max_upload_bytes

_PLACE_URLS = {
    "contact": "contacts:detail",
    "company": "companies:detail",
    "project": "activities:project_detail",
}


def _add_row_urls(page) -> None:
    """What each row links to, from one reverse() per name (crm/rows.py), also for the
    other places each file is linked to (a page holds 25 rows)."""
    add_row_urls(
        page,
        download_url=("files:download", "file_id"),
        delete_url=("files:delete", "file_id"),
        unlink_url="files:link_delete",
    )
    place_urls = {kind: url_for(name) for kind, name in _PLACE_URLS.items()}
    for link in page:
        link.other_places = []
        for other in link.file.all_links:
            if other.pk == link.pk:
                continue
            place = other.place
            if place is None:
                link.other_places.append(("", ""))
                continue
            name = getattr(place, "full_name", None) or str(place)
            link.other_places.append((place_urls[other.place_kind](place.pk), name))


def _tab_context(request, obj) -> dict:
    kind = place_kind(obj)
    sort = selectors.clean_sort(request.GET.get("sort"))
    page = selectors.file_links_for_place(
        user=request.user, kind=kind, obj=obj, sort=sort, page=request.GET.get("page")
    )
    _add_row_urls(page)
    tab_url = files_tab_url(kind, obj.pk)
    return {
        "files_place": obj,
        "files_kind": kind,
        "files_page": page,
        "files_sort": sort,
        "files_tab_url": tab_url,
        "files_tab_url_q": quote(tab_url),
        "files_max_mb": settings.FILES_MAX_UPLOAD_MB,
        "files_max_bytes": max_upload_bytes(),
        "files_sort_columns": [
            {
                "key": key,
                "label": label,
                "active": sort.lstrip("-") == key,
                "descending": sort == f"-{key}",
                # A click on the active column turns its order round.
                "next": f"-{key}" if sort == key else key,
            }
            for key, label in [
                ("name", _("Name")),
                ("size", _("Size")),
                ("type", _("Type")),
                ("uploader", _("Uploaded by")),
                ("date", _("Date")),
            ]
        ],
    }


def files_tab_context(request, obj):
    return _tab_context(request, obj)
