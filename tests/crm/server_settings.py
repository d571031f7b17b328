"""The production settings (crm.settings.base, read from the environment) for a web server
that a test runs in a subprocess, with one change: whitenoise serves static files from the
source folders, as in crm.settings.test, instead of from a `collectstatic` run. (That run
takes seconds, and today it stops on the source-map comment at the end of the vendored
bootstrap.bundle.min.js, whose .map file is not vendored.)
"""

from crm.settings.base import *  # noqa: F403
from crm.settings.base import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
