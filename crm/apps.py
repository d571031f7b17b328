from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The project package as an app: its commands (crm_user, seed_demo) and templates."""

    name = "crm"
    verbose_name = _("CRM")
