"""Settings for every environment, read from the environment (see README, "Configuration")."""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from crm.database_settings import behind_pgbouncer, replica_databases
from crm.file_storage import files_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django admin on a site that also requires CRM access (crm.admin_privacy).
    "crm.admin_privacy.CrmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    # No models: listed for its Norwegian catalog (its phone-number error messages).
    "phonenumber_field",
    # No models used: listed for its Norwegian country names (the country select).
    "django_countries",
    # django-axes and django-tasks-db under Norwegian names (crm/library_apps.py).
    "crm.library_apps.AxesConfig",
    "pgtrigger",
    "pghistory",
    "crm",
    "contacts",
    "companies",
    "history",
    "activities",
    "mailbox",
    "files",
    "cardservices",
    "orders",
    "search",
    "exports",
    "duplicates",
    # The REST API and its personal access tokens: a leaf, nothing imports it. (Django
    # Ninja itself is not an app here: its docs page and static files are not used.)
    "api",
    "imports",
    # «Min konto» and two-factor sign-in: django-otp (authenticator apps, recovery codes)
    # and django-otp-webauthn (passkeys) behind Django's own login view.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # After django-otp's apps: it takes their English admin pages away (accounts/admin.py).
    "accounts",
    "crm.library_apps.TasksDbConfig",
]

MIDDLEWARE = [
    "crm.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads: whether this request's reads may go to a replica.
    "crm.replicas.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.nul_paths.NulPathMiddleware",
    # History (K6): tags the database changes of each request with its user.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # request.user.is_verified(), then the two-factor gate (accounts/gate.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.gate.TwoFactorMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' own rule).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.access.context_processor",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL")}
# Keep connections between requests (a new PostgreSQL connection costs milliseconds),
# checked before reuse so a restarted database does not break the next request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
# Streaming replicas (comma-separated URLs, README "Streaming replicas"): reads that may
# lag a moment (search, lists, the card and its tabs on GET) go to them, writes and
# transactions to the primary (crm/replicas.py). A replica that does not answer within
# the connect timeout, or is more than DATABASE_REPLICA_MAX_LAG_SECONDS behind, is left
# out for a few seconds; a user who just wrote reads from the primary for
# DATABASE_REPLICA_STICKY_SECONDS.
DATABASES.update(
    replica_databases(env.list("DATABASE_REPLICA_URLS", default=[]), primary=DATABASES["default"])
)
DATABASE_ROUTERS = ["crm.replicas.ReplicaRouter"]
DATABASE_REPLICA_STICKY_SECONDS = env.float("DATABASE_REPLICA_STICKY_SECONDS", default=5.0)
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=30.0)
# Behind PgBouncer in transaction mode (README, "Behind PgBouncer"): nothing that
# outlives a transaction (crm/database_settings.py).
if env.bool("DATABASE_PGBOUNCER", default=False):
    for _database in DATABASES.values():
        behind_pgbouncer(_database)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "crm.auth.CrmModelBackend",
]
# Argon2id first (argon2-cffi), as Django's documentation recommends: a sign-in's check
# costs about 0.2 s of CPU where PBKDF2's 1,500,000 rounds cost 0.46 s, and it is
# memory-hard (100 MiB a check). The others still verify the hashes made before, which are
# then stored again with Argon2 at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor sign-in for everyone, whatever the firm's flag on «Min konto» says.
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=False)
# The issuer an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="CRM")
# Passkeys are a second factor after the password (and django-axes' limits), never
# a way in on their own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = env("OTP_WEBAUTHN_RP_NAME", default="CRM")
# A passkey belongs to a domain (the relying party id) and is checked against the origin
# the browser reports: by default the first named host in DJANGO_ALLOWED_HOSTS over https
# (and the development server), or set both.
_site_hosts = [h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and not h[:1].isdigit()]
OTP_WEBAUTHN_RP_ID = env("OTP_WEBAUTHN_RP_ID", default="") or (_site_hosts or ["localhost"])[0]
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    [origin for origin in env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[]) if origin]
    or [f"https://{h}" for h in _site_hosts] + (["http://localhost:8000"] if DEBUG else [])
    or ["https://localhost"]
)

# Failed logins are throttled per user name and address together, so that nobody can lock a
# colleague out from elsewhere, and per address (a higher limit, as one office may share one
# address), so that guessing many names from one place stops too (crm/login_limits.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_NAME_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_FAILURE_LIMIT = "crm.login_limits.failure_limit"
# Behind reverse proxies that terminate TLS, the client's address is read from the entries
# those proxies appended to X-Forwarded-For; without proxies, the connection's own address.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "crm.login_limits.client_address"
AXES_USERNAME_CALLABLE = "crm.login_limits.axes_username"
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["crm.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded files (the files app). MEDIA_URL is never served: downloads go through an
# access-checked view. With FILES_S3_BUCKET set, the bytes live in an S3-compatible store
# (django-storages; see crm/file_storage.py) so that several web servers share them;
# otherwise under MEDIA_ROOT.
FILES_MAX_UPLOAD_MB = env.int("FILES_MAX_UPLOAD_MB", default=25)
STORAGES["default"] = files_storage(env)

# Caches and sessions. Several web servers share one Redis (REDIS_URL, e.g.
# redis://redis:6379/0) through Django's own cache backend: the search panel and its
# category boxes (emptied on every server at once when a category changes), the API's rate
# limit (one count across servers) and a copy of each session in front of its database
# row (cached_db: the row stays the truth, so an emptied Redis signs nobody out). Without
# REDIS_URL each process keeps its own cache in memory and sessions live in the database.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Room for other applications in the same Redis database.
            "KEY_PREFIX": "crm",
            "OPTIONS": {
                # A Redis that stops answering is given up in seconds, not at gunicorn's
                # timeout, and then counts as an empty cache (logged): pages are slower
                # for a while, never failed. Sessions (cached_db) fall back to their row.
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: Django 6.1's MAILERS. SMTP in production; the console in development.
MAILERS = {
    "default": {
        "BACKEND": env(
            "MAIL_BACKEND",
            default="django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("SMTP_HOST", default="localhost"),
        "port": env.int("SMTP_PORT", default=587),
        "username": env("SMTP_USER", default=""),
        "password": env("SMTP_PASSWORD", default=""),
        "use_tls": env.bool("SMTP_USE_TLS", default=True),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production is the default; `make run` sets DJANGO_DEBUG=true.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: everything from our own origin, scripts only with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The 503s of a database outage are logged once per outage by crm.outage, not once
    # per request by django.request.
    "filters": {"skip_outage_responses": {"()": "crm.outage.SkipOutageResponses"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["skip_outage_responses"]},
    },
}

# Connections to servers that users or settings name (IMAP accounts, the SMS gateway,
# the phone directory) go through crm/outbound.py, which refuses internal addresses.
# A firm's own servers on its network are let through here: comma-separated host names,
# addresses or networks, e.g. "imap.firma.lan,10.0.5.0/24".
OUTBOUND_ALLOWED_HOSTS = [
    host.strip() for host in env("OUTBOUND_ALLOWED_HOSTS", default="").split(",") if host.strip()
]
OUTBOUND_CONNECT_TIMEOUT = env.float("OUTBOUND_CONNECT_TIMEOUT", default=5.0)
# TLS to those servers checks their certificates against the system's authorities and,
# when set, this PEM file's (a firm's own authority for its internal mail server).
OUTBOUND_CA_FILE = env("OUTBOUND_CA_FILE", default="")

# Services on the card (K7, cardservices/): SMS and number look-up go through backends
# chosen here, like Django's e-mail backends. See README, "Services on the card".
# Empty counts as unset, as the compose file passes every variable through.
SMS_BACKEND = env("SMS_BACKEND", default="") or "cardservices.sms.backends.console.SmsBackend"
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_API_KEY = env("SMS_HTTP_API_KEY", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
SMS_SENDER = env("SMS_SENDER", default="CRM")
SMS_MAX_SEGMENTS = env.int("SMS_MAX_SEGMENTS", default=6)
PHONE_DIRECTORY_BACKEND = env("PHONE_DIRECTORY_BACKEND", default="")
PHONE_DIRECTORY_URL = env("PHONE_DIRECTORY_URL", default="")
PHONE_DIRECTORY_API_KEY = env("PHONE_DIRECTORY_API_KEY", default="")
PHONE_DIRECTORY_TIMEOUT = env.float("PHONE_DIRECTORY_TIMEOUT", default=5.0)
MAP_SECOND_PROVIDER_URL = env("MAP_SECOND_PROVIDER_URL", default="")
MAP_SECOND_PROVIDER_NAME = env("MAP_SECOND_PROVIDER_NAME", default="")

# The company register (Enhetsregisteret, companies/register/): looking up companies by
# organisation number or name. The default asks the register's open API; the offline
# backend answers from the bulk download (manage.py load_company_register). Empty: off.
COMPANY_REGISTER_BACKEND = env(
    "COMPANY_REGISTER_BACKEND", default="companies.register.http.RegisterBackend"
)
COMPANY_REGISTER_URL = env(
    "COMPANY_REGISTER_URL", default="https://data.brreg.no/enhetsregisteret/api"
)
COMPANY_REGISTER_TIMEOUT = env.float("COMPANY_REGISTER_TIMEOUT", default=5.0)

# Linked e-mail (mailbox): background work on Django's tasks framework, stored in the
# database and run by `manage.py db_worker`; account passwords encrypted with a Fernet key
# (derived from SECRET_KEY when MAILBOX_ENCRYPTION_KEY is unset).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAILBOX_ENCRYPTION_KEY = env("MAILBOX_ENCRYPTION_KEY", default="")
MAILBOX_SYNC_INTERVAL = env.int("MAILBOX_SYNC_INTERVAL", default=300)
# E-mail sent from the card (mailbox/services/outbox.py): attempts before «Ikke sendt»,
# seconds before the first retry of a passing fault (doubling after each).
MAILBOX_SEND_MAX_ATTEMPTS = env.int("MAILBOX_SEND_MAX_ATTEMPTS", default=5)
MAILBOX_SEND_RETRY_BASE = env.int("MAILBOX_SEND_RETRY_BASE", default=60)
# OAuth sign-in for mail accounts (mailbox/oauth/providers.py): replacements for a
# provider's endpoints and servers, e.g. {"microsoft": {"authorize_url": …}}. The tests
# point them at a local authorization server; the app registrations (client id and
# secret) are entered by an administrator on the «E-postkontoer» page, not here.
MAILBOX_OAUTH_PROVIDERS: dict[str, dict] = {}

PHONENUMBER_DEFAULT_REGION = "NO"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# The country select (contacts/forms.py): Norway first, then the neighbours most customers
# abroad live in, then every country in Norwegian alphabetical order.
COUNTRIES_FIRST = ["NO", "SE", "DK"]

# History (K6): django-pghistory's triggers capture contact and company-link changes.
# The tracked models belong to other apps, so their triggers are not put in those apps'
# migrations; pgtrigger installs (and updates) every trigger after each `migrate`.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
# Reads change nothing: only writes carry the actor, so GET queries are not rewritten
# with the context prefix pghistory adds to every statement.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Orders and invoices (orders/): days from the invoice date to the due date.
INVOICE_TERMS_DAYS = env.int("INVOICE_TERMS_DAYS", default=14)

# The API's rate limit per token (per user for a session): requests per window of seconds.
API_RATE_LIMIT = (
    env.int("API_RATE_LIMIT_REQUESTS", default=600),
    env.int("API_RATE_LIMIT_SECONDS", default=60),
)
# Webhooks (api/webhooks/): attempts per delivery, the first retry's wait (doubling after
# each failure) and the seconds a receiver has to answer.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE = env.int("WEBHOOK_RETRY_BASE", default=30)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
