from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from crm.home import register_home_list

        from .customer_numbers import register_holder
        from .models import Contact
        from .selectors import contact_recent

        register_holder(Contact)

        register_home_list("recent_contacts", lambda request: contact_recent(limit=10))
