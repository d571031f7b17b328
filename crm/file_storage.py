"""Where uploaded files keep their bytes: the ``default`` entry of ``STORAGES``.

Read from the environment (README, "Configuration"): the file system under MEDIA_ROOT,
or an S3-compatible store (django-storages) when ``FILES_S3_BUCKET`` is set. A function
rather than inline settings code, so that the tests build the storage from the same
variables through the same code (tests/files/test_s3_storage.py, against a real S3 server).
"""

import environ

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def files_storage(env: environ.Env) -> dict:
    """The ``STORAGES["default"]`` entry that the ``FILES_S3_*`` variables describe."""
    bucket = env("FILES_S3_BUCKET", default="")
    if not bucket:
        return dict(FILE_SYSTEM)
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("FILES_S3_ENDPOINT_URL", default="") or None,
            "access_key": env("FILES_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("FILES_S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env("FILES_S3_REGION", default="") or None,
            # No ACL is sent: a new object is then private to the bucket owner, and buckets
            # with ACLs disabled (AWS's default since 2023) refuse any upload that names
            # one other than bucket-owner-full-control, "private" included.
            "default_acl": None,
            # Downloads go through the access-checked view. Should anything ever ask the
            # storage for a URL, it is signed and short-lived, never a public address.
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": None,
            # A download is fetched whole before it is streamed out: past 2 MB it waits in
            # a temporary file, not in the web worker's memory (django-storages keeps it
            # all in memory by default).
            "max_memory_size": 2 * 1024 * 1024,
            # Keys are chosen by files.services and never reused.
            "file_overwrite": False,
        },
    }
