"""Imports of contacts and companies from files, kept so they can be reported and undone."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.timestamps import TimeStampedModel

# What a file's row may be matched on (the user picks which count).
MATCH_KEYS = [
    ("customer_number", _("Customer number")),
    ("org_number", _("Organisation number")),
    ("email", _("E-mail")),
    ("name", _("Name")),
]
DEFAULT_MATCH_KEYS = ["customer_number", "org_number", "email"]


class ImportMapping(TimeStampedModel):
    """A named column mapping («Tripletex-eksport»), so a recurring import is one click."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # Column header (as written in the file) → target field key (imports.fields).
    columns = models.JSONField(_("columns"), default=dict)
    match_keys = models.JSONField(_("match on"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportJob(TimeStampedModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")
        PARTLY_UNDONE = "partly_undone", _("Partly undone")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    # The file's header row and its first rows, for the mapping page.
    headers = models.JSONField(_("headers"), default=list)
    sample = models.JSONField(_("sample"), default=list)
    # Column index (as a string) → target field key; the match keys the user picked.
    columns = models.JSONField(_("columns"), default=dict)
    match_keys = models.JSONField(_("match on"), default=list)
    mapping = models.ForeignKey(
        ImportMapping,
        verbose_name=_("mapping"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    # The last dry run's or run's report: preview rows, refused rows (row, column, message).
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The newest timeline entry when the import finished: any later one on a record it
    # wrote means someone touched that record since (see undo.py).
    history_mark = models.BigIntegerField(null=True, blank=True, editable=False)
    undo_report = models.JSONField(_("undo report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportRecord(models.Model):
    """What the import wrote: the records it created (a batch's of one kind in one row, as
    100,000 rows would otherwise add 220,000 rows here), or one record it changed and the
    values it had before."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("contact")
        COMPANY = "company", _("company")
        LINK = "link", _("company link")

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_ids = ArrayField(models.BigIntegerField())
    # The file's row of each record (where it was first named), side by side with the ids.
    row_numbers = ArrayField(models.PositiveIntegerField())
    # For an update (one record): {"fields": {name: earlier value}, "emails_added": [...],
    # "categories_added": [ids]}; empty for creations.
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "kind"], name="imports_record_job_kind_idx")]

    def __str__(self):
        return f"{self.job_id}: {self.action} {self.kind} ×{len(self.object_ids)}"

    def items(self):
        """(object id, row number) for each record it holds."""
        return zip(self.object_ids, self.row_numbers, strict=True)
