"""What the card's services did: SMS sent and numbers looked up (K7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.timestamps import TimeStampedModel

PHONE_FIELDS = ("mobile", "work_phone", "private_phone")


class SmsMessage(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The console backend while developing: shown in the log, sent to no one.
        CONSOLE = "console", _("Not sent (only written to the log)")

    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="sms_messages",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_number = models.CharField(_("recipient"), max_length=20)
    sender_name = models.CharField(_("sender"), max_length=20)
    text = models.TextField(_("text"))
    encoding = models.CharField(_("encoding"), max_length=10)
    segments = models.PositiveSmallIntegerField(_("segments"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    backend = models.CharField(_("backend"), max_length=200)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "-created_at"], name="sms_contact_idx")]

    def __str__(self):
        return _("SMS to %(number)s (%(status)s)") % {
            "number": self.to_number,
            "status": self.get_status_display(),
        }


class NumberLookup(TimeStampedModel):
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="number_lookups",
    )
    looked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("looked up by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.CharField(_("field"), max_length=20)
    number = models.CharField(_("number"), max_length=40)
    valid = models.BooleanField(_("valid"))
    number_type = models.CharField(_("type"), max_length=30, blank=True)
    region = models.CharField(_("region"), max_length=2, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    national = models.CharField(_("national form"), max_length=40, blank=True)
    international = models.CharField(_("international form"), max_length=40, blank=True)
    directory = models.JSONField(_("directory answer"), default=dict, blank=True)
    directory_error = models.CharField(_("directory error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("number lookup")
        verbose_name_plural = _("number lookups")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "-created_at"], name="lookup_contact_idx")]

    def __str__(self):
        return _("Lookup of %(number)s") % {"number": self.number}
