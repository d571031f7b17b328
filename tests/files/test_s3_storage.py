"""The file area on an S3-compatible store, for real.

An S3 server speaking the real HTTP API (moto's, on 127.0.0.1 and a free port: the
``s3_endpoint`` fixture of tests/conftest.py) holds the bytes. The storage is built from
the ``FILES_S3_*`` environment variables by the same function the settings use
(crm.file_storage.files_storage), and every upload, download and delete goes through the
real views and django-storages' S3 client over HTTP.
"""

import hashlib
import os
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import environ
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.file_storage import files_storage
from files.models import FileLink, StoredFile
from files.services import file_link
from tests.contacts.factories import ContactFactory

pytestmark = pytest.mark.django_db

REGION = "eu-north-1"
ACCESS_KEY = "crm-test-key"
SECRET_KEY = "crm-test-secret"
KEY_PATTERN = re.compile(r"files/\d{4}/\d{2}/[0-9a-f]{32}")


@pytest.fixture
def s3(s3_endpoint):
    """A boto3 client of our own, to look in the bucket beside the application."""
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def bucket(s3):
    """A new, empty bucket for each test."""
    name = f"crm-files-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


@pytest.fixture
def s3_env(monkeypatch, s3_endpoint, bucket):
    """The environment variables an operator sets (README, "Configuration")."""
    for name, value in {
        "FILES_S3_BUCKET": bucket,
        "FILES_S3_ENDPOINT_URL": s3_endpoint,
        "FILES_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "FILES_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "FILES_S3_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)


def _storage_config() -> dict:
    return files_storage(environ.Env())


@pytest.fixture
def s3_storage(settings, s3_env):
    """The project's default storage, configured from the environment as in production."""
    settings.STORAGES = {**settings.STORAGES, "default": _storage_config()}
    return default_storage


def _keys(s3, bucket) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _upload(client, contact, name, content):
    return client.post(
        reverse("files:upload", args=["contact", contact.pk]),
        {"files": SimpleUploadedFile(name, content)},
    )


def _download(client, stored):
    response = client.get(reverse("files:download", args=[stored.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


# --- configuration ----------------------------------------------------------------------


def test_without_a_bucket_the_files_stay_on_the_file_system(monkeypatch):
    monkeypatch.delenv("FILES_S3_BUCKET", raising=False)
    assert _storage_config() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_the_bucket_variables_give_a_private_s3_storage(s3_env, s3_endpoint, bucket):
    config = _storage_config()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == bucket
    assert options["endpoint_url"] == s3_endpoint
    assert (options["access_key"], options["secret_key"]) == (ACCESS_KEY, SECRET_KEY)
    assert options["region_name"] == REGION
    assert options["querystring_auth"] is True
    assert options["default_acl"] is None
    assert options["custom_domain"] is None
    assert options["file_overwrite"] is False
    assert options["max_memory_size"] == 2 * 1024 * 1024


def test_the_settings_use_s3_when_the_variables_are_set(s3_env):
    from crm.settings import base

    assert base.files_storage is files_storage
    assert files_storage(base.env) == _storage_config()


# --- upload, download, delete through the views -----------------------------------------


def test_upload_puts_the_bytes_in_the_bucket_under_a_key_the_system_chose(
    staff_client, s3_storage, s3, bucket
):
    contact = ContactFactory()
    content = "Kontrakt for Ærlig Øyvind Åsen\n".encode() * 200

    response = _upload(staff_client, contact, "../../etc/Kontrakt æøå.txt", content)

    assert response.status_code == 302
    stored = StoredFile.objects.get()
    assert stored.name == "Kontrakt æøå.txt"
    assert KEY_PATTERN.fullmatch(stored.key)
    assert _keys(s3, bucket) == [stored.key]
    in_bucket = s3.get_object(Bucket=bucket, Key=stored.key)["Body"].read()
    assert in_bucket == content
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    tab = staff_client.get(reverse("contacts:tab", args=[contact.pk, "files"]))
    assert "Kontrakt æøå.txt" in tab.content.decode()


def test_download_gives_back_the_same_bytes_as_an_attachment(staff_client, s3_storage):
    contact = ContactFactory()
    content = os.urandom(64 * 1024) + "æøå".encode()
    _upload(staff_client, contact, "Tilbud æøå.pdf", content)
    stored = StoredFile.objects.get()

    response, body = _download(staff_client, stored)

    assert body == content
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Tilbud%20%C3%A6%C3%B8%C3%A5.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_larger_than_one_s3_part_goes_up_in_parts_and_comes_back_whole(
    staff_client, s3_storage, s3, bucket
):
    contact = ContactFactory()
    # Past boto3's 8 MB multipart threshold, so the upload takes the multipart path.
    content = os.urandom(9 * 1024 * 1024 + 123)

    _upload(staff_client, contact, "opptak.bin", content)

    stored = StoredFile.objects.get()
    head = s3.head_object(Bucket=bucket, Key=stored.key)
    assert head["ContentLength"] == len(content)
    assert "-" in head["ETag"]  # the ETag of an object uploaded in parts
    _, body = _download(staff_client, stored)
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(content).hexdigest()


def test_the_bytes_stay_while_another_place_links_the_file_and_go_with_the_last(
    staff_client, staff, s3_storage, s3, bucket, django_capture_on_commit_callbacks
):
    first, second = ContactFactory(), ContactFactory()
    _upload(staff_client, first, "delt.txt", b"delt mellom to kort")
    stored = StoredFile.objects.get()
    file_link(file=stored, contact=second, actor=staff)
    link_here = FileLink.objects.get(contact=first)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("files:link_delete", args=[link_here.pk]))

    assert _keys(s3, bucket) == [stored.key]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("files:delete", args=[stored.pk]))

    assert response.status_code == 302
    assert not StoredFile.objects.exists()
    assert _keys(s3, bucket) == []


# --- several web servers, one bucket ----------------------------------------------------


def test_a_file_uploaded_on_one_web_server_is_downloaded_and_deleted_on_another(
    staff_client, settings, s3_storage, s3, bucket, django_capture_on_commit_callbacks
):
    contact = ContactFactory()
    content = b"lastet opp paa server A\n" * 100
    _upload(staff_client, contact, "a.txt", content)
    stored = StoredFile.objects.get()
    server_a = default_storage._wrapped

    # Server B: the same environment, its own storage instance and S3 client.
    settings.STORAGES = {**settings.STORAGES, "default": _storage_config()}
    _, body = _download(staff_client, stored)
    server_b = default_storage._wrapped
    assert server_b is not server_a
    assert server_b.connection is not server_a.connection
    assert body == content

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("files:delete", args=[stored.pk]))

    assert not server_a.exists(stored.key)
    assert _keys(s3, bucket) == []


def test_two_storage_instances_see_the_same_objects(s3_env, s3, bucket):
    server_a = storages.create_storage(_storage_config())
    server_b = storages.create_storage(_storage_config())

    key = server_a.save("files/2030/01/" + uuid.uuid4().hex, ContentFile(b"felles"))

    assert server_b.exists(key)
    with server_b.open(key, "rb") as handle:
        assert handle.read() == b"felles"
    server_b.delete(key)
    assert not server_a.exists(key)


# --- never public -----------------------------------------------------------------------


def test_uploads_name_no_acl_so_buckets_with_acls_disabled_accept_them(
    staff_client, s3_storage, s3, bucket
):
    sent = []
    events = s3_storage.connection.meta.client.meta.events
    events.register("before-send.s3", lambda request, **kwargs: sent.append(request))

    _upload(staff_client, ContactFactory(), "privat.txt", b"privat")

    puts = [request for request in sent if request.method == "PUT"]
    assert puts
    assert not any("x-amz-acl" in {h.lower() for h in request.headers} for request in puts)
    stored = StoredFile.objects.get()
    grants = s3.get_object_acl(Bucket=bucket, Key=stored.key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"


def test_a_storage_url_is_signed_and_short_lived_never_public(s3_storage):
    key = s3_storage.save("files/2030/01/" + uuid.uuid4().hex, ContentFile(b"hemmelig"))

    query = parse_qs(urlsplit(s3_storage.url(key)).query)

    assert query["X-Amz-Signature"]
    assert int(query["X-Amz-Expires"][0]) <= 300
