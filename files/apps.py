from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "files"
    verbose_name = _("Files")

    def ready(self):
        from activities.tabs import project_tabs
        from companies.tabs import company_tabs
        from contacts.tabs import card_tabs
        from crm.tabs import Tab
        from crm.visibility import register_visibility
        from history.verbs import register_verb

        from . import selectors
        from .models import FileLink, StoredFile
        from .tabs import files_tab_context

        template = "files/partials/files_tab.html"
        for tabs in (card_tabs, company_tabs, project_tabs):
            tabs.register(
                Tab(
                    slug="files",
                    label=_("File area"),
                    template=template,
                    context=files_tab_context,
                )
            )
        register_verb("files.uploaded", _("%(actor)s uploaded the file «%(name)s»"))
        register_verb("files.linked", _("%(actor)s linked the file «%(name)s»"))
        register_verb("files.unlinked", _("%(actor)s removed the file «%(name)s» from the card"))
        register_verb(
            "files.unlinked_from_company",
            _("%(actor)s removed the file «%(name)s» from the company"),
        )
        register_verb("files.deleted", _("%(actor)s deleted the file «%(name)s»"))
        register_visibility(StoredFile, selectors.visible_files)
        register_visibility(FileLink, selectors.visible_links)
