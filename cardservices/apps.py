from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardServicesConfig(AppConfig):
    name = "cardservices"
    verbose_name = _("Services on the card")

    def ready(self):
        from contacts.tabs import card_tabs
        from crm.tabs import Tab
        from history.verbs import register_verb

        from . import checks, views  # noqa: F401 (checks registers itself)

        card_tabs.register(
            Tab(
                slug="services",
                label=_("Services"),
                template="cardservices/partials/contact_services_tab.html",
                context=views.services_tab_context,
            )
        )
        register_verb(
            "cardservices.sms_sent", _("%(actor)s sent an SMS to %(number)s: «%(text)s»")
        )
        register_verb(
            "cardservices.sms_failed",
            _("%(actor)s tried to send an SMS to %(number)s, but it failed: %(error)s"),
        )
        register_verb(
            "cardservices.sms_logged",
            _(
                "%(actor)s wrote an SMS to %(number)s, but it was not sent (SMS is not set "
                "up; it was only written to the log): «%(text)s»"
            ),
        )
        register_verb(
            "cardservices.number_looked_up", _("%(actor)s looked up the number %(number)s")
        )
