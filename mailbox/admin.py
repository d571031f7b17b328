from django.contrib import admin

from crm.access import is_firm_admin
from crm.admin_privacy import VisibleRowsAdmin

from .models import MailAccount, Message


@admin.register(MailAccount)
class MailAccountAdmin(VisibleRowsAdmin):
    """Each user's own accounts; the firm's administrators see everyone's
    (mailbox.selectors.visible_accounts)."""

    list_display = [
        "email",
        "user",
        "host",
        "sign_in",
        "link_to_crm",
        "needs_reconnect",
        "last_synced_at",
    ]
    list_select_related = ["user"]
    exclude = ["password_encrypted", "smtp_password_encrypted"]
    readonly_fields = ["last_synced_at", "last_error"]


@admin.register(Message)
class MessageAdmin(VisibleRowsAdmin):
    """The messages the CRM pages show: linked to a contact, and a locked contact's
    e-mail to the firm's administrators only (mailbox.selectors.visible_messages)."""

    list_display = ["subject", "from_address", "sent_at", "has_attachments"]
    search_fields = ["subject"]
    date_hierarchy = "sent_at"
    readonly_fields = ["message_id", "from_address", "to_addresses", "cc_addresses", "sent_at"]
    exclude = ["html_body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return is_firm_admin(request.user) and super().has_change_permission(request, obj)
