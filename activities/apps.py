from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from companies.tabs import company_tabs
        from contacts.tabs import card_tabs
        from crm.tabs import Tab
        from crm.visibility import register_visibility

        from . import history_verbs, tabs
        from .models import Note

        card_tabs.register(
            Tab(
                slug="appointments",
                label=_("Appointments"),
                template="activities/partials/contact_appointments_tab.html",
                context=tabs.appointments_tab_context,
            )
        )
        card_tabs.register(
            Tab(
                slug="tasks",
                label=_("Tasks"),
                template="activities/partials/contact_tasks_tab.html",
                context=tabs.tasks_tab_context,
            )
        )
        card_tabs.register(
            Tab(
                slug="notes",
                label=_("Notes"),
                template="activities/partials/notes_tab.html",
                context=tabs.contact_notes_tab_context,
            )
        )
        company_tabs.register(
            Tab(
                slug="notes",
                label=_("Notes"),
                template="activities/partials/notes_tab.html",
                context=tabs.company_notes_tab_context,
            )
        )
        tabs.project_tabs.register(
            Tab(
                slug="participants",
                label=_("Participants"),
                template="activities/partials/project_participants_tab.html",
                context=tabs.project_participants_tab_context,
            )
        )
        tabs.project_tabs.register(
            Tab(
                slug="notes",
                label=_("Notes"),
                template="activities/partials/notes_tab.html",
                context=tabs.project_notes_tab_context,
            )
        )
        history_verbs.register()
        register_visibility(Note, lambda notes, viewer: notes.visible_to(viewer))
