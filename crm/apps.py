from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The project package as an app: its commands (crm_user, seed_demo), templates, and
    the end of a database outage."""

    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from crm import outage

        # A new connection ends a database outage (crm/outage.py logs that it is over).
        connection_created.connect(outage.database_connected)
