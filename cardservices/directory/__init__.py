"""An optional online phone directory, chosen by ``PHONE_DIRECTORY_BACKEND`` (empty: off).

A backend has ``lookup(e164: str) -> dict`` returning what the directory knows (e.g.
``{"name": …, "address": …}``; ``{}`` when nothing) and raises :class:`DirectoryError`
with a message for the user when the directory could not be asked.
"""

from django.conf import settings
from django.utils.module_loading import import_string


class DirectoryError(Exception):
    pass


def get_directory(path: str | None = None, **kwargs):
    """The configured directory backend, or None when none is configured."""
    path = path if path is not None else settings.PHONE_DIRECTORY_BACKEND
    return import_string(path)(**kwargs) if path else None
