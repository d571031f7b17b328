from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from crm.home import register_home_list
        from crm.tabs import Tab

        from .activity import activity_tab_context
        from .customer_numbers import register_holder
        from .models import Contact
        from .recently_viewed import recently_viewed
        from .selectors import contact_recent
        from .tabs import card_tabs

        register_holder(Contact)

        card_tabs.register(
            Tab(
                slug="activity",
                label=_("Activity"),
                template="contacts/partials/activity_tab.html",
                context=activity_tab_context,
            )
        )

        register_home_list(
            "viewed_contacts", lambda request: recently_viewed(user=request.user, model=Contact)
        )
        register_home_list("recent_contacts", lambda request: contact_recent(limit=10))
