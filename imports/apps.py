from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from history.verbs import register_verb

        register_verb("imports.imported", _("%(actor)s: imported from %(file)s"))
        register_verb("imports.undone", _("%(actor)s undid the import from %(file)s"))
