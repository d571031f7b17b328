from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuplicatesConfig(AppConfig):
    name = "duplicates"
    verbose_name = _("Duplicates")

    def ready(self):
        from django.db.models import Q

        from contacts.hooks import on_erased
        from crm.lookalikes import register_lookalike_finder
        from history.verbs import register_verb, register_verb_action

        from . import matching, views
        from .models import Merge

        register_lookalike_finder(
            "contact", matching.contact_lookalikes, check_url="duplicates:check_contact"
        )
        register_lookalike_finder(
            "company", matching.company_lookalikes, check_url="duplicates:check_company"
        )
        register_verb("duplicates.merged", _("%(actor)s merged «%(name)s» into this card"))
        register_verb("duplicates.undone", _("%(actor)s undid the merge with «%(name)s»"))
        register_verb_action("duplicates.merged", views.undo_action)
        # A merge record holds the merged person's data: an erasure takes it too.
        on_erased(
            lambda contact_id: (
                Merge.objects.filter(kind="contact")
                .filter(Q(survivor_id=contact_id) | Q(loser_id=contact_id))
                .delete()
            )
        )
