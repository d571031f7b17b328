"""Refusing oversize uploads while the body streams in, not after it has been stored."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# How many files one upload request may carry (beside Django's DATA_UPLOAD_MAX_NUMBER_FILES).
MAX_FILES_PER_REQUEST = 20


def max_upload_bytes() -> int:
    return int(settings.FILES_MAX_UPLOAD_MB) * 1024 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips (never stores) any file that grows past ``max_bytes`` and remembers its name,
    so the view can say which files were too large. Placed before Django's own handlers."""

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large: list[str] = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large.append(self.file_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def body_too_large(request, max_bytes: int) -> bool:
    """Whether the declared body is beyond anything we would accept, before reading it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes * MAX_FILES_PER_REQUEST + 1024 * 1024
