"""Stored files with real bytes, and their links to a contact, company or project."""

import factory
from factory.django import DjangoModelFactory

from tests.contacts.factories import ContactFactory


class StoredFileFactory(DjangoModelFactory):
    """A stored file with real bytes in the default storage (``content`` to choose them)."""

    class Meta:
        model = "files.StoredFile"

    name = factory.Sequence(lambda n: f"dokument-{n}.txt")
    content = b"Hei fra testene.\n"
    uploader = None

    @classmethod
    def _create(cls, model_class, *args, content=b"", name="", uploader=None, **kwargs):
        from files.services import file_store

        return file_store(content=content, name=name, uploader=uploader)

    @classmethod
    def _build(cls, model_class, *args, content=b"", **kwargs):
        return model_class(*args, size=len(content), content_type="text/plain", **kwargs)


class FileLinkFactory(DjangoModelFactory):
    """A file linked to a contact (pass ``company=`` or ``project=`` and ``contact=None``)."""

    class Meta:
        model = "files.FileLink"

    file = factory.SubFactory(StoredFileFactory)
    contact = factory.SubFactory(ContactFactory)
