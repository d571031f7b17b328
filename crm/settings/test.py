"""Test settings: the base settings with fast hashing and mail kept in memory."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .base import *  # noqa: E402,F403
from .base import DATABASES, env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Several test runs may share one server (CI, parallel work): each names its own database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
# Replicas named by DATABASE_REPLICA_URLS are the test database itself in tests; the
# router's own tests start a real standby (tests/crm/test_replicas.py).
for _alias in DATABASES:
    if _alias.startswith("replica_"):
        DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
# The live server of the browser tests serves static files from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The suite's servers (Dovecot, the SMS and directory stubs) listen on loopback; the
# guard's own tests empty this list to see loopback refused.
OUTBOUND_ALLOWED_HOSTS = ["127.0.0.0/8", "::1", "localhost"]
# No test asks the real company register: those that need one start a local server.
COMPANY_REGISTER_BACKEND = ""
# The suite's own processes keep their cache in memory whatever REDIS_URL says (tests
# empty the cache); the two-server test gives its web servers a Redis of its own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
