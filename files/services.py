"""Every write of the file area: store bytes, link, unlink and delete.

Other apps (e-mail attachments) use :func:`file_store` and :func:`file_link` too.
The bytes live in the ``default`` storage (the file system, or S3 when configured) under
a key chosen here; a user's file name is only ever shown, never used as a path.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import tempfile
import unicodedata
import uuid
from functools import partial

import puremagic
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.owners import owner_of

from .models import PLACES, FileLink, StoredFile

NAME_MAX = 200
SNIFF_BYTES = 8192
CHUNK = 64 * 1024

# The storage keys written inside the innermost ``stored_bytes_removed_on_error`` block.
_written_keys: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "files_written_keys", default=None
)


@contextlib.contextmanager
def stored_bytes_removed_on_error():
    """Bytes that :func:`file_store` writes inside this block are deleted again when it
    raises. Storage is not transactional: wrap a ``transaction.atomic()`` block in this, so
    that a rolled-back batch (a chunk of synced e-mail, say) leaves no bytes behind that no
    row points at."""
    keys: list[str] = []
    token = _written_keys.set(keys)
    try:
        yield
    except BaseException:
        for key in keys:
            with contextlib.suppress(Exception):
                default_storage.delete(key)
        raise
    finally:
        _written_keys.reset(token)


def clean_name(raw) -> str:
    """A file name safe to show and to put in a download header.

    Only the last path segment is kept (``../../etc/passwd`` → ``passwd``, ``a\\b`` →
    ``b``), control and format characters (NUL, newlines, bidi overrides) are dropped,
    leading dots and spaces go, and long names are cut to 200 characters, extension kept.
    """
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = name.strip().lstrip(". ").rstrip(" ")
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: NAME_MAX - len(ext)].rstrip() + ext
    return name or _("file")


def sniff_content_type(head: bytes) -> str:
    """The media type the bytes themselves say, never what the name or browser claimed."""
    if head:
        try:
            found = puremagic.from_string(head, mime=True)
        except (puremagic.PureError, ValueError):
            found = ""
        if found:
            return found
        if b"\x00" not in head:
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as error:
                # A multi-byte character cut at the end of the sample is still text.
                if error.start < len(head) - 4:
                    return "application/octet-stream"
            return "text/plain"
    return "application/octet-stream"


def new_storage_key() -> str:
    return f"files/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _chunks(content):
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]
        return
    if hasattr(content, "chunks"):  # Django's File and UploadedFile
        yield from content.chunks(CHUNK)
        return
    if hasattr(content, "seek"):
        with contextlib.suppress(OSError, ValueError):
            content.seek(0)
    while True:
        chunk = content.read(CHUNK)
        if not chunk:
            return
        yield chunk


@transaction.atomic
def file_store(*, content, name: str, uploader=None, max_size: int | None = None) -> StoredFile:
    """Store bytes (``bytes``, a file-like object or an ``UploadedFile``) and return the row.

    Size and SHA-256 are computed and the content type sniffed while the bytes are
    copied once; ``max_size`` (bytes) refuses larger content with a ValidationError.
    """
    digest = hashlib.sha256()
    size = 0
    head = b""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        for chunk in _chunks(content):
            size += len(chunk)
            if max_size is not None and size > max_size:
                raise ValidationError(
                    _("The file «%(name)s» is larger than %(limit)s MB.")
                    % {"name": clean_name(name), "limit": round(max_size / 1024 / 1024, 1)},
                    code="too_large",
                )
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        key = default_storage.save(new_storage_key(), File(spool))
    stored = StoredFile(
        name=clean_name(name),
        size=size,
        content_type=sniff_content_type(head),
        sha256=digest.hexdigest(),
        key=key,
        uploader=uploader if uploader is not None and uploader.is_authenticated else None,
    )
    try:
        stored.full_clean()
        stored.save()
    except Exception:
        default_storage.delete(key)
        raise
    written = _written_keys.get()
    if written is not None:
        written.append(key)
    return stored


def _place(contact, company, project) -> tuple[str, object]:
    given = [
        (kind, obj) for kind, obj in zip(PLACES, (contact, company, project), strict=True) if obj
    ]
    if len(given) != 1:
        raise ValueError("Give exactly one of contact, company and project.")
    kind, obj = given[0]
    if kind not in _link_places():
        raise ValueError(f"Files cannot be linked to a {kind} yet.")
    return kind, obj


def _link_places() -> list[str]:
    names = {field.name for field in FileLink._meta.get_fields()}
    return [kind for kind in PLACES if kind in names]


def _record(*, link: FileLink, verb: str, actor, name: str) -> None:
    """Put the event on the timeline of the contact or company the link is on (a project
    has none)."""
    owner = owner_of(link, ("contact", "company"))
    if not owner:
        return
    if "company" in owner:
        # «… from the card» would be wrong here.
        verb = {"files.unlinked": "files.unlinked_from_company"}.get(verb, verb)
    from history.services import history_record

    history_record(
        **owner,
        verb=verb,
        actor=actor,
        data={"name": name},
        target=link.file if link.file.pk else None,
    )


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def file_link(
    *, file: StoredFile, contact=None, company=None, project=None, actor=None, verb: str = ""
) -> FileLink:
    """Link a file to one place; linking it there again returns the existing link."""
    kind, obj = _place(contact, company, project)
    existing = FileLink.objects.filter(file=file, **{kind: obj}).first()
    if existing is not None:
        return existing
    link = FileLink(file=file, linked_by=_actor(actor), **{kind: obj})
    # The look above cannot see a link another request has made but not yet committed:
    # the unique index decides, and the later request returns the link the earlier made.
    link.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        return FileLink.objects.get(file=file, **{kind: obj})
    _record(link=link, verb=verb or "files.linked", actor=actor, name=file.name)
    return link


@transaction.atomic
def file_upload(
    *, content, name: str, uploader=None, max_size=None, contact=None, company=None, project=None
) -> FileLink:
    """Store an uploaded file and link it to the place it was uploaded on."""
    stored = file_store(content=content, name=name, uploader=uploader, max_size=max_size)
    return file_link(
        file=stored,
        contact=contact,
        company=company,
        project=project,
        actor=uploader,
        verb="files.uploaded",
    )


def _referenced_elsewhere(file: StoredFile) -> bool:
    """Whether anything beside file links (an e-mail attachment, say) still points here."""
    for relation in StoredFile._meta.related_objects:
        if relation.related_model is FileLink:
            continue
        manager = relation.related_model._base_manager
        if manager.filter(**{relation.field.name: file}).exists():
            return True
    return False


def _delete_if_orphan(file: StoredFile) -> bool:
    if FileLink.objects.filter(file=file).exists() or _referenced_elsewhere(file):
        return False
    key = file.key
    file.delete()
    # The bytes go only once the row is surely gone.
    transaction.on_commit(partial(default_storage.delete, key))
    return True


@transaction.atomic
def file_unlink(*, link: FileLink, actor=None) -> bool:
    """Remove the file from one place; it stays wherever else it is linked.

    Returns True when that was its last place and the file (bytes too) was deleted.
    """
    file = link.file
    _record(link=link, verb="files.unlinked", actor=actor, name=file.name)
    link.delete()
    return _delete_if_orphan(file)


@transaction.atomic
def files_release(*, file_ids) -> int:
    """Delete those of the files ``file_ids`` that nothing refers to any more (no file
    link, no e-mail attachment): for an app that let go of its own references to them.
    Returns how many were deleted."""
    return sum(_delete_if_orphan(file) for file in StoredFile.objects.filter(pk__in=file_ids))


@transaction.atomic
def file_delete(*, file: StoredFile, actor=None) -> bool:
    """Delete the file from every place it is linked; the bytes go when nothing else
    (such as an e-mail) still refers to it. Returns True when the bytes were deleted."""
    links = list(FileLink.objects.filter(file=file).select_related("file"))
    for link in links:
        _record(link=link, verb="files.deleted", actor=actor, name=file.name)
    FileLink.objects.filter(file=file).delete()
    return _delete_if_orphan(file)
