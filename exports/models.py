"""The record of what left the CRM: one :class:`ExportLog` row per list export and one
:class:`Erasure` per person whose data was erased.

A timeline entry (``history.Entry``) belongs to one contact or one company, so an export
of ten thousand contacts cannot be one entry: it would be ten thousand, written before the
first byte is sent. A list export is therefore one row here (who, when, what, how many,
shown in Django admin), and an export of one person (a vCard, the personal data) is also
an entry on that person's timeline. An erased person has no timeline left (or only the
anonymised one the kept invoices need): the erasure row says it happened, by whom, when.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    VCARD = "vcf", "vCard"


class ExportScope(models.TextChoices):
    SEARCH = "search", _("Search hits")
    SELECTION = "selection", _("Selection")
    ALL = "all", _("All")


class ExportLog(models.Model):
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10)  # "contact" or "company"
    scope = models.CharField(_("scope"), max_length=10, choices=ExportScope)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat)
    # The search panel's parameters, or the chosen ids (capped), as sent.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # Filled in when the last row has been sent; empty when the download was cut short.
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.get_format_display()} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class Erasure(models.Model):
    """That a person's data was erased: by whom, when, and how many invoices the
    bookkeeping rules kept (anonymised beyond their legal minimum). No personal data."""

    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    contact_id = models.PositiveBigIntegerField(_("contact number"))
    kept_invoices = models.PositiveIntegerField(_("kept invoices"), default=0)

    class Meta:
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"#{self.contact_id} {self.occurred_at:%Y-%m-%d %H:%M}"
