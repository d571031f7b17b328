from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API at /api/v1/ and the personal access tokens it takes. A leaf: no other
    app imports it; it calls the same selectors and services as the pages."""

    name = "api"
    verbose_name = _("API")
