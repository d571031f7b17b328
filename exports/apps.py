from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self):
        from crm.actions import register_action
        from history.verbs import register_verb

        register_verb("exports.exported", _("Exported by %(actor)s (%(format)s)"))
        register_verb("exports.personal_data_exported", _("Personal data exported by %(actor)s"))
        register_verb("exports.erased", _("Personal data erased by %(actor)s"))
        register_action("contact_card", "exports/partials/card_actions.html")
        register_action("search_hits", "exports/partials/hit_actions.html")
