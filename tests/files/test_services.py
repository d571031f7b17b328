import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext

from files.models import FileLink, StoredFile
from files.services import clean_name, file_delete, file_link, file_store, file_unlink, file_upload
from history.models import Entry
from tests.companies.factories import CompanyFactory
from tests.contacts.factories import ContactFactory
from tests.files.factories import FileLinkFactory, StoredFileFactory

pytestmark = pytest.mark.django_db


def _read(stored):
    with default_storage.open(stored.key, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    "content",
    [
        b"bytes in",
        io.BytesIO(b"a file-like object"),
        SimpleUploadedFile("x.bin", b"\x00\x01" * 50000),
    ],
    ids=["bytes", "file-like", "uploaded"],
)
def test_file_store_round_trip_keeps_bytes_and_sha256(content, staff):
    expected = content if isinstance(content, bytes) else None
    if expected is None:
        content.seek(0)
        expected = content.read()
        content.seek(0)
    stored = file_store(content=content, name="rapport.bin", uploader=staff)
    assert _read(stored) == expected
    assert stored.size == len(expected)
    assert stored.sha256 == hashlib.sha256(expected).hexdigest()
    assert stored.uploader == staff


def test_storage_key_is_chosen_by_the_system_not_the_name():
    stored = file_store(content=b"x", name="../../etc/passwd")
    assert stored.key.startswith("files/")
    assert "passwd" not in stored.key and ".." not in stored.key
    assert stored.name == "passwd"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "image/png"),
        ("Hei, æøå!\n".encode(), "text/plain"),
        (b"<html><body><script>alert(1)</script>", "text/html"),
        (b"\x00\x01\x02\xff\xfe", "application/octet-stream"),
    ],
)
def test_content_type_is_sniffed_from_the_bytes(content, expected):
    # The name claims a picture: the bytes decide.
    assert file_store(content=content, name="bilde.jpg").content_type == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("a/b", "b"),
        ("C:\\Users\\kari\\tilbud.pdf", "tilbud.pdf"),
        ("ond\x00navn.txt", "ondnavn.txt"),
        ("linje\nskift.txt", "linjeskift.txt"),
        ("\u202egnp.exe", "gnp.exe"),
        ("..", None),
        ("", None),
        ("Årsrapport ØÆÅ.pdf", "Årsrapport ØÆÅ.pdf"),
    ],
)
def test_hostile_names_are_sanitised(raw, expected):
    # A name with nothing left becomes the word «file» in the current language.
    assert clean_name(raw) == (expected or gettext("file"))


def test_a_300_character_name_is_cut_keeping_its_extension():
    name = clean_name("x" * 300 + ".pdf")
    assert len(name) == 200
    assert name.endswith(".pdf")


def test_size_limit_refuses_without_keeping_anything():
    with pytest.raises(ValidationError):
        file_store(content=b"x" * 2000, name="stor.bin", max_size=1000)
    assert not StoredFile.objects.exists()


def test_upload_links_and_records_history(staff):
    contact = ContactFactory()
    link = file_upload(content=b"hei", name="hei.txt", uploader=staff, contact=contact)
    assert link.contact == contact and link.linked_by == staff
    entry = Entry.objects.get(contact=contact, verb="files.uploaded")
    assert entry.actor == staff and entry.data == {"name": "hei.txt"}


def test_linking_twice_to_one_place_keeps_one_link(staff):
    stored = StoredFileFactory()
    contact = ContactFactory()
    first = file_link(file=stored, contact=contact, actor=staff)
    assert file_link(file=stored, contact=contact, actor=staff) == first
    assert FileLink.objects.count() == 1
    assert Entry.objects.filter(verb="files.linked").count() == 1


def test_link_needs_exactly_one_place():
    stored = StoredFileFactory()
    with pytest.raises(ValueError):
        file_link(file=stored, contact=ContactFactory(), company=CompanyFactory())
    with pytest.raises(ValueError):
        file_link(file=stored)


def test_unlink_keeps_the_file_where_else_it_is_linked(staff, django_capture_on_commit_callbacks):
    link = FileLinkFactory()
    company = CompanyFactory()
    file_link(file=link.file, company=company, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = file_unlink(link=link, actor=staff)
    assert not deleted
    assert FileLink.objects.get().company == company
    assert default_storage.exists(link.file.key)
    assert Entry.objects.filter(contact=link.contact, verb="files.unlinked").exists()


def test_unlinking_the_last_place_deletes_the_bytes(staff, django_capture_on_commit_callbacks):
    link = FileLinkFactory()
    key = link.file.key
    with django_capture_on_commit_callbacks(execute=True):
        assert file_unlink(link=link, actor=staff)
    assert not StoredFile.objects.exists()
    assert not default_storage.exists(key)


def test_delete_removes_every_link_and_the_bytes(staff, django_capture_on_commit_callbacks):
    link = FileLinkFactory()
    other = ContactFactory()
    file_link(file=link.file, contact=other, actor=staff)
    key = link.file.key
    with django_capture_on_commit_callbacks(execute=True):
        assert file_delete(file=link.file, actor=staff)
    assert not FileLink.objects.exists() and not StoredFile.objects.exists()
    assert not default_storage.exists(key)
    assert Entry.objects.filter(verb="files.deleted").count() == 2


def test_bytes_stay_until_the_transaction_commits(staff, django_capture_on_commit_callbacks):
    link = FileLinkFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_delete(file=link.file, actor=staff)
    assert default_storage.exists(link.file.key)
    assert len(callbacks) == 1


def test_bytes_of_a_rolled_back_batch_are_removed_from_storage():
    from django.db import transaction

    from files.services import stored_bytes_removed_on_error

    kept = file_store(content=b"kept", name="kept.txt")
    with (
        pytest.raises(RuntimeError),
        stored_bytes_removed_on_error(),
        transaction.atomic(),
    ):
        first = file_store(content=b"first", name="a.txt")
        second = file_store(content=b"second", name="b.txt")
        raise RuntimeError("the database refused the batch")
    assert not default_storage.exists(first.key) and not default_storage.exists(second.key)
    assert not StoredFile.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert _read(kept) == b"kept"


def test_bytes_of_a_committed_batch_stay():
    from files.services import stored_bytes_removed_on_error

    with stored_bytes_removed_on_error():
        stored = file_store(content=b"stays", name="c.txt")
    assert _read(StoredFile.objects.get(pk=stored.pk)) == b"stays"
