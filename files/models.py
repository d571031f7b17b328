"""Stored files and the places they are linked to (K8).

One :class:`StoredFile` holds the bytes (in the ``default`` storage, under a key the
system chose) and what we know about them; each :class:`FileLink` puts it in one place —
a contact's card, a company page or a project page. A file picked «from elsewhere in the
system» gets one more link, never a copy of its bytes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.owners import OWNERS, exactly_one, owner_fk
from crm.timestamps import TimeStampedModel

# Each kind of place a file can be linked to: the FileLink field naming it.
PLACES = ("contact", "company", "project")


class StoredFileQuerySet(models.QuerySet):
    def linked(self):
        """Files that are linked somewhere (every linked place is visible to CRM users)."""
        return self.filter(models.Exists(FileLink.objects.filter(file=models.OuterRef("pk"))))


class StoredFile(TimeStampedModel):
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=150)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # Chosen by file_store(), never from anything the user wrote.
    key = models.CharField(_("storage key"), max_length=255, unique=True, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_files",
    )

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["name"], name="storedfile_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("files:download", args=[self.pk])


class FileLink(TimeStampedModel):
    """A file in one place. Exactly one of contact, company and project is set."""

    file = models.ForeignKey(
        StoredFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="links"
    )
    contact = owner_fk("contact", related_name="file_links")
    company = owner_fk("company", related_name="file_links")
    project = owner_fk("project", related_name="file_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("file link")
        verbose_name_plural = _("file links")
        ordering = ["-created_at", "-id"]
        constraints = [
            exactly_one(*OWNERS, name="filelink_exactly_one_place"),
            models.UniqueConstraint(
                fields=["file", "contact"],
                condition=Q(contact__isnull=False),
                name="filelink_once_per_contact",
                violation_error_message=_("The file is already linked here."),
            ),
            models.UniqueConstraint(
                fields=["file", "company"],
                condition=Q(company__isnull=False),
                name="filelink_once_per_company",
                violation_error_message=_("The file is already linked here."),
            ),
            models.UniqueConstraint(
                fields=["file", "project"],
                condition=Q(project__isnull=False),
                name="filelink_once_per_project",
                violation_error_message=_("The file is already linked here."),
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "-created_at"], name="filelink_contact_idx"),
            models.Index(fields=["company", "-created_at"], name="filelink_company_idx"),
            models.Index(fields=["project", "-created_at"], name="filelink_project_idx"),
        ]

    def __str__(self):
        return f"{self.file} → {self.place}"

    @property
    def place(self):
        return self.contact or self.company or self.project

    @property
    def place_kind(self) -> str:
        for kind in PLACES:
            if getattr(self, f"{kind}_id", None) is not None:
                return kind
        return ""
