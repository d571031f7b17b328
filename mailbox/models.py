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


class MailAccount(TimeStampedModel):
    """One user's IMAP mailbox. The password is stored encrypted (see mailbox.crypto)."""

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
