from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = _("History")

    def ready(self):
        from companies.tabs import company_tabs
        from contacts.tabs import card_tabs
        from crm.tabs import Tab
        from crm.visibility import register_visibility

        from . import commands, selectors, sentences, tabs
        from .models import Entry

        commands.install()
        sentences.register()
        card_tabs.register(
            Tab(
                slug="history",
                label=_("History"),
                template="history/partials/history_tab.html",
                context=tabs.history_tab_context,
            )
        )
        company_tabs.register(
            Tab(
                slug="history",
                label=_("History"),
                template="history/partials/history_tab.html",
                context=tabs.company_history_tab_context,
            )
        )
        register_visibility(Entry, selectors.entries_visible_to)
