from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from crm.actions import register_action

        register_action("contact_card_new", "activities/partials/card_new_buttons.html")
        from contacts.activity import register_timeline_source

        from . import timeline

        register_timeline_source("notes", timeline.notes_source)
        register_timeline_source("appointments", timeline.appointments_source)
        register_timeline_source("tasks", timeline.tasks_source)
        from django.utils import timezone

        from companies.tabs import company_tabs
        from contacts.tabs import card_tabs
        from crm.home import register_home_list
        from crm.tabs import Tab
        from crm.visibility import register_visibility

        from . import history_verbs, selectors, tabs
        from .models import Note

        card_tabs.register(
            Tab(
                slug="appointments",
                label=_("Appointments"),
                template="activities/partials/contact_appointments_tab.html",
                context=tabs.appointments_tab_context,
                count=tabs.contact_appointments_count,
            )
        )
        card_tabs.register(
            Tab(
                slug="tasks",
                label=_("Tasks"),
                template="activities/partials/contact_tasks_tab.html",
                context=tabs.tasks_tab_context,
                count=tabs.contact_tasks_count,
            )
        )
        card_tabs.register(
            Tab(
                slug="notes",
                label=_("Notes"),
                template="activities/partials/notes_tab.html",
                context=tabs.contact_notes_tab_context,
                count=tabs.contact_notes_count,
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
        register_home_list(
            "my_tasks",
            lambda request: selectors.my_tasks_due(user=request.user, today=timezone.localdate()),
        )
        register_home_list(
            "my_appointments",
            lambda request: selectors.my_appointments_soon(
                user=request.user, today=timezone.localdate()
            ),
        )
        history_verbs.register()
        register_visibility(Note, lambda notes, viewer: notes.visible_to(viewer))
