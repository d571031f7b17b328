"""The production settings (crm.settings.base, read from the environment) for a web server
that a test runs in a subprocess, with one change: whitenoise serves static files from the
source folders, as in crm.settings.test, instead of from a `collectstatic` run, which takes
seconds (CI runs that step for real in scripts/prod-check.sh).
"""

from crm.settings.base import *  # noqa: F403
from crm.settings.base import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
