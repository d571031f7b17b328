from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API at /api/v1/ and the personal access tokens it takes, the webhooks and
    the calendar feeds. A leaf: no other app imports it; it calls the same selectors and
    services as the pages, and hears changes through model signals (api/webhooks/events.py)."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        from crm.account import register_account_section

        from .webhooks import events

        events.connect()
        register_account_section("calendar_feeds", "api/partials/account_feeds.html")
