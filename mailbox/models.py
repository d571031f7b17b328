"""Linked e-mail (K9): users' IMAP accounts, the messages read from them, and their links
to contacts. A message seen in several mailboxes is stored once (``dedupe_key``)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.timestamps import TimeStampedModel

DEFAULT_FOLDERS = "INBOX, Sent"


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (only on a trusted network)")


class SmtpSecurity(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 465)")
    STARTTLS = "starttls", _("STARTTLS (port 587)")
    NONE = "none", _("None (only on a trusted network)")


class SignIn(models.TextChoices):
    """How the CRM signs in to an account: a password, or OAuth 2.0 with a provider of
    mailbox.oauth.providers (the keys must match its registry)."""

    PASSWORD = "", _("Password")
    MICROSOFT = "microsoft", _("Microsoft 365")
    GOOGLE = "google", _("Google")


class MailAccount(TimeStampedModel):
    """One user's mailbox: read over IMAP, and (with an SMTP server) sent from. The
    passwords, or the OAuth tokens, are stored encrypted (see mailbox.crypto)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mail_accounts",
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(
        _("port"), default=993, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    security = models.CharField(
        _("encryption"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password_encrypted = models.TextField(editable=False, blank=True)
    folders = models.CharField(
        _("folders"),
        max_length=500,
        default=DEFAULT_FOLDERS,
        help_text=_("Comma-separated folder names on the server."),
    )
    link_to_crm = models.BooleanField(_("Link e-mail to the CRM"), default=True)
    # Sending (mailbox/smtp.py): without an SMTP server the account only reads.
    smtp_host = models.CharField(
        _("SMTP server"),
        max_length=255,
        blank=True,
        help_text=_("For sending e-mail from the CRM through this account, e.g. smtp.firma.no."),
    )
    smtp_port = models.PositiveIntegerField(
        _("SMTP port"), default=587, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    smtp_security = models.CharField(
        _("SMTP encryption"),
        max_length=10,
        choices=SmtpSecurity.choices,
        default=SmtpSecurity.STARTTLS,
    )
    smtp_username = models.CharField(
        _("SMTP user name"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to use the IMAP user name."),
    )
    smtp_password_encrypted = models.TextField(editable=False, blank=True)
    sign_in = models.CharField(
        _("sign-in"), max_length=20, choices=SignIn.choices, default=SignIn.PASSWORD, blank=True
    )
    # OAuth 2.0 (mailbox.oauth): the provider's tokens, encrypted, and when the access
    # token runs out. needs_reconnect: the provider refused the refresh token (revoked,
    # expired, password changed); only the user signing in again helps.
    oauth_access_encrypted = models.TextField(editable=False, blank=True)
    oauth_refresh_encrypted = models.TextField(editable=False, blank=True)
    oauth_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    needs_reconnect = models.BooleanField(_("needs to be connected again"), default=False)
    last_synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mail account")
        verbose_name_plural = _("mail accounts")
        ordering = ["email", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "host", "username"], name="mail_account_unique_login"
            )
        ]

    def __str__(self):
        return self.email

    def folder_list(self) -> list[str]:
        return [name.strip() for name in self.folders.split(",") if name.strip()]

    @property
    def can_send(self) -> bool:
        return bool(self.smtp_host)

    def smtp_login_name(self) -> str:
        return self.smtp_username or self.username

    def smtp_password(self) -> str:
        """The SMTP password, or the IMAP one when the account has no SMTP password of
        its own (most providers take the same login for both)."""
        from . import crypto

        return crypto.decrypt(self.smtp_password_encrypted or self.password_encrypted)

    @property
    def uses_oauth(self) -> bool:
        return bool(self.sign_in)


class OAuthApp(models.Model):
    """The firm's app registration with one OAuth provider (Microsoft Entra ID, Google
    Cloud), entered once by an administrator; every user's «Koble til» uses it."""

    provider = models.CharField(
        _("provider"),
        max_length=20,
        unique=True,
        choices=[c for c in SignIn.choices if c[0]],
    )
    client_id = models.CharField(_("client ID"), max_length=255)
    client_secret_encrypted = models.TextField(editable=False, blank=True)
    tenant = models.CharField(
        _("tenant"),
        max_length=100,
        blank=True,
        help_text=_("The directory (tenant) ID or domain. Empty: any work or school account."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("app registration")
        verbose_name_plural = _("app registrations")
        ordering = ["provider"]

    def __str__(self):
        return self.get_provider_display()


class MailFolderState(models.Model):
    """How far a folder has been read: the highest UID seen under its UIDVALIDITY."""

    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="states")
    name = models.CharField(max_length=500)
    uidvalidity = models.BigIntegerField(null=True)
    last_uid = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="mail_folder_unique")
        ]

    def __str__(self):
        return f"{self.name} ({self.last_uid})"


class MessageQuerySet(models.QuerySet):
    def locked(self):
        """Messages linked to at least one contact whose e-mail is locked."""
        return self.filter(
            Exists(
                MessageContact.objects.filter(message=OuterRef("pk"), contact__email_locked=True)
            )
        )

    def visible_to(self, user):
        from crm.access import is_firm_admin

        if is_firm_admin(user):
            return self
        return self.exclude(
            Exists(
                MessageContact.objects.filter(message=OuterRef("pk"), contact__email_locked=True)
            )
        )


class Message(models.Model):
    dedupe_key = models.CharField(max_length=300, unique=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    subject = models.TextField(_("subject"), blank=True)
    from_name = models.CharField(_("sender name"), max_length=300, blank=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    to_addresses = models.JSONField(_("to"), default=list, blank=True)
    cc_addresses = models.JSONField(_("cc"), default=list, blank=True)
    sent_at = models.DateTimeField(_("date"), db_index=True)
    text_body = models.TextField(_("text"), blank=True)
    # Sanitised with nh3 when stored; never the sender's raw HTML.
    html_body = models.TextField(_("HTML"), blank=True)
    has_attachments = models.BooleanField(_("attachments"), default=False)
    size = models.PositiveIntegerField(default=0)
    # The conversation: messages sharing a Message-ID (their own or one they answer, by
    # References and In-Reply-To) share a thread key, one of those IDs, kept from the
    # first stored message of the conversation (storing._threads_assign). ``thread_ids``
    # are the message's own ID and those it answers, looked up with the GIN index when
    # a later message names one of them — also when the reply arrived first.
    thread_key = models.CharField(max_length=300, editable=False, default="")
    thread_ids = ArrayField(
        models.CharField(max_length=300), default=list, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    contacts = models.ManyToManyField(
        "contacts.Contact", through="MessageContact", related_name="mail_messages"
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["thread_key"], name="mail_message_thread_idx"),
            # Without the pending list (fastupdate): every sync chunk looks IDs up right
            # after inserting, and a long pending list is read through on each lookup
            # (7 ms an ID at 40,000 messages, against 0.01 ms).
            GinIndex(fields=["thread_ids"], name="mail_message_thread_ids_idx", fastupdate=False),
        ]

    def __str__(self):
        return self.subject or str(_("(no subject)"))

    def save(self, *args, **kwargs):
        if not self.thread_key:
            # A conversation of its own until storing threads it (storing._threads_assign).
            self.thread_key = self.message_id[:300] or self.dedupe_key
        super().save(*args, **kwargs)

    def addresses(self) -> set[str]:
        found = {self.from_address, *self.to_addresses, *self.cc_addresses}
        return {a.lower() for a in found if a}


class MessageCopy(models.Model):
    """Where a message was seen: account, folder and UID (one per mailbox it is in)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="copies")
    account = models.ForeignKey(MailAccount, on_delete=models.CASCADE, related_name="copies")
    folder = models.CharField(max_length=500)
    uid = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "folder", "message"], name="mail_copy_unique"
            )
        ]

    def __str__(self):
        return f"{self.folder}/{self.uid}"


class MessageAddress(models.Model):
    """A From/To/Cc address of a message, lower-cased, for linking by address."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="address_rows")
    address = models.CharField(max_length=320, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "address"], name="mail_address_unique")
        ]

    def __str__(self):
        return self.address


class Direction(models.TextChoices):
    RECEIVED = "received", _("Received")
    SENT = "sent", _("Sent")


class MessageContact(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="links")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="mail_links"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    # A copy of message.sent_at: the E-mail tab reads a contact's newest links from an
    # index instead of sorting all of the contact's messages on every page.
    sent_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        # What the user loses from the card when a link goes («Slett» counts them).
        verbose_name = pgettext_lazy("a message linked to a contact", "e-mail")
        verbose_name_plural = pgettext_lazy("messages linked to a contact", "e-mails")
        constraints = [
            models.UniqueConstraint(fields=["message", "contact"], name="mail_link_unique")
        ]
        indexes = [
            models.Index(fields=["contact", "message"], name="mail_link_contact_idx"),
            models.Index(
                fields=["contact", "-sent_at", "-message"], name="mail_link_contact_sent_idx"
            ),
        ]

    def __str__(self):
        return f"{self.message_id} → {self.contact_id}"

    def save(self, *args, **kwargs):
        if self.sent_at is None and self.message_id is not None:
            self.sent_at = self.message.sent_at
        super().save(*args, **kwargs)


class MessageAttachment(models.Model):
    """An attachment (or inline image) of a message, its bytes kept by the files app.

    Linked to the message only, never to a contact's file area: a lock on the contact's
    e-mail hides it with the message."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=255, blank=True)
    content_id = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("files:download", args=[self.file_id])


class MailSendingPolicy(models.Model):
    """The firm's one rule for sending from the card (a single row, id 1), set by a firm
    administrator on the mail accounts page."""

    relay_allowed = models.BooleanField(
        _("users without a mail account may send through the firm's mail server"),
        default=False,
        help_text=_(
            "Otherwise mail from the card goes out only through the user's own linked "
            "account, and users without one are asked to link it."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail sending policy")
        verbose_name_plural = _("e-mail sending policies")

    def __str__(self):
        return str(self._meta.verbose_name)


class OutgoingState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


class OutgoingMail(models.Model):
    """A message written on the card, on its way out (mailbox/services/outbox.py).

    Stored and linked to the contact when it is queued; the worker sends ``raw`` through
    ``account`` (or the firm's mail server when ``relay``), puts it in the account's Sent
    folder and notes the state. The bytes stay the same across attempts, so a retry
    carries the same Message-ID."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outgoing")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="outgoing_mail"
    )
    # The sender; kept (SET_NULL) as part of the contact's record when the user goes.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    account = models.ForeignKey(
        MailAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="outgoing"
    )
    relay = models.BooleanField(default=False)
    from_address = models.CharField(max_length=320)
    recipients = models.JSONField(default=list)
    raw = models.BinaryField()
    state = models.CharField(
        max_length=10, choices=OutgoingState.choices, default=OutgoingState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Where the sent copy went, or why it could not be put there (the mail itself left).
    sent_folder = models.CharField(max_length=500, blank=True)
    sent_folder_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{self.message_id} ({self.state})"
