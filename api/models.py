"""Personal access tokens: a user's key to the API, acting as that user.

Only a SHA-256 digest of the secret is stored. The secret is 32 random bytes (256 bits),
so a fast hash is enough: a slow password hash protects guessable secrets, and nobody
guesses 256 bits. The digest makes lookup one index probe; the comparison after it is
constant-time (``hmac.compare_digest``), so timing tells nothing about near misses.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at=None)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, shown in lists so that a user can tell which
    # token a leaked or forgotten secret was (never enough to use it).
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


# --- webhooks -----------------------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    CONTACT_CREATED = "contact.created", _("Contact created")
    CONTACT_UPDATED = "contact.updated", _("Contact updated")
    CONTACT_DELETED = "contact.deleted", _("Contact deleted")
    COMPANY_CREATED = "company.created", _("Company created")
    COMPANY_UPDATED = "company.updated", _("Company updated")
    COMPANY_DELETED = "company.deleted", _("Company deleted")
    NOTE_CREATED = "note.created", _("Note created")
    NOTE_UPDATED = "note.updated", _("Note updated")
    NOTE_DELETED = "note.deleted", _("Note deleted")
    APPOINTMENT_CREATED = "appointment.created", _("Appointment created")
    APPOINTMENT_UPDATED = "appointment.updated", _("Appointment updated")
    APPOINTMENT_DELETED = "appointment.deleted", _("Appointment deleted")
    TASK_CREATED = "task.created", _("Task created")
    TASK_UPDATED = "task.updated", _("Task updated")
    TASK_DELETED = "task.deleted", _("Task deleted")


class Webhook(models.Model):
    """A URL an administrator registered to be told of changes (api/webhooks/)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = ArrayField(
        models.CharField(max_length=32, choices=WebhookEvent.choices), verbose_name=_("events")
    )
    # Kept as it is (not hashed): every delivery is signed with it. Shown to administrators
    # only, so that the receiver can be given it.
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("tokens:webhook_detail", args=[self.pk])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Trying again")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one webhook; the body is fixed when the event
    happens, so every attempt sends the same bytes (under a fresh signature)."""

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.TextField(_("response"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_idx")]

    def __str__(self):
        return f"{self.event} → {self.webhook}"


# --- calendar feeds -----------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A user's secret calendar address (appointments and open tasks, api/feeds/).

    The token in the URL is an HMAC of ``nonce`` under the SECRET_KEY: the page can show
    the address again, while a copy of the database alone (``nonce`` and the token's
    SHA-256 ``digest``) gives nobody a working address. A new link is a new nonce, so the
    old address stops at once. Changing SECRET_KEY ends every address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    nonce = models.CharField(max_length=64, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
