from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "mailbox"
    verbose_name = _("E-mail")

    def ready(self):
        from contacts.activity import register_timeline_source

        from .timeline import emails_source

        register_timeline_source("email", emails_source)
        from contacts.hooks import on_addresses_changed, on_addresses_imported
        from contacts.tabs import card_tabs
        from crm.tabs import Tab
        from crm.visibility import register_visibility
        from files.access import register_file_hiding_rule, register_file_source
        from history.verbs import register_verb
        from history.visibility import register_hiding_rule

        from . import models, selectors, tabs
        from .services import backfill, email_lock, linking, sending

        # A new address on a contact links the e-mail already synced from and to it (K9),
        # and the worker collects what the syncs passed over before the contact had it.
        on_addresses_changed(lambda contact: linking.contact_link_past_mail(contact=contact))
        on_addresses_changed(lambda contact: backfill.backfill_enqueue(contact=contact))
        on_addresses_imported(backfill.imported_backfill)

        card_tabs.register(
            Tab(
                slug="email",
                label=_("E-mail"),
                template="mailbox/partials/contact_email_tab.html",
                context=tabs.email_tab_context,
                count=tabs.email_tab_count,
            )
        )
        register_verb(linking.LINKED_VERB, _("E-mail «%(subject)s» was linked"))
        register_verb(sending.SENT_VERB, _("%(actor)s sent the e-mail «%(subject)s»"))
        register_verb(email_lock.LOCKED_VERB, _("%(actor)s locked access to the contact's e-mail"))
        register_verb(
            email_lock.UNLOCKED_VERB, _("%(actor)s opened access to the contact's e-mail")
        )
        register_hiding_rule(selectors.locked_mail_history)
        register_file_source(selectors.readable_attachments)
        register_file_hiding_rule(selectors.locked_attachments)
        register_visibility(models.Message, selectors.visible_messages)
        for part in (
            models.MessageContact,
            models.MessageAttachment,
            models.MessageCopy,
            models.MessageAddress,
            models.OutgoingMail,
        ):
            register_visibility(part, selectors.visible_message_parts)
        register_visibility(models.MailAccount, selectors.visible_accounts)
        register_visibility(models.MailFolderState, selectors.visible_folder_states)
