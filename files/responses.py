"""Sending a stored file to the browser: always as a download, never rendered."""

from django.core.files.storage import default_storage
from django.http import FileResponse

# Types a browser would run or render as a page; they go out as plain bytes.
ACTIVE_TYPES = ("html", "xml", "svg", "javascript", "ecmascript", "xhtml")


def safe_content_type(content_type: str) -> str:
    lowered = (content_type or "").lower()
    if not lowered or any(word in lowered for word in ACTIVE_TYPES) or "/" not in lowered:
        return "application/octet-stream"
    return lowered


def file_download_response(stored_file) -> FileResponse:
    """A FileResponse for ``stored_file``: ``Content-Disposition: attachment`` with the
    original name (UTF-8 via ``filename*``), ``nosniff``, and HTML/SVG as plain bytes.

    The caller checks access first.
    """
    handle = default_storage.open(stored_file.key, "rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored_file.name,
        content_type=safe_content_type(stored_file.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser ever render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    if stored_file.size is not None and not response.has_header("Content-Length"):
        response["Content-Length"] = str(stored_file.size)
    return response
