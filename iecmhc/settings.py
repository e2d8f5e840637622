"""Settings for the IECMHC consultant–provider matching service.

One settings module; environments differ by environment variables (see .env.example).
A `.env` file in the project root is read when present; real environment variables win.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# --- The developer's .env (issue 12) ------------------------------------------------------
# Read from DJANGO_ENV_FILE (default: .env in the project root); set empty, nothing is read.
# The tests set it empty (iecmhc/settings_test.py), so they never see a developer's .env,
# nor do the processes they start.
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (or in .env), "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",
    # Background work (issue 12): Django's tasks framework's database backend.
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "directory",
    "consultations",
    "demo",
    "background",
    "opendata",
]

MIDDLEWARE = [
    # First (issue 12): the database unreachable -> 503 with Retry-After, JSON under /api/.
    "iecmhc.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "iecmhc.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: picks the page's language (the switcher's
    # cookie, else the browser's Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's preferred language wins over the cookie and the browser's.
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Who made each change, for the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "iecmhc.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "iecmhc.wsgi.application"

# Database: a SQLite file by default so the quick start needs nothing; PostgreSQL in CI and
# production, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/iecmhc
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds; 0 closes after each request), checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation on PostgreSQL: this service's queries are short, and the JIT, set off by
# the cost estimates of the matching queries' trigonometry, spent 25 ms compiling a 15 ms
# query (bench/matching.py). DATABASE_JIT=true leaves the server's own setting.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DATABASE_JIT", default=False
):
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# The hottest lookups (iecmhc.compiled: an API request's token, ...) are prepared statements on
# PostgreSQL, planned once per connection. Off behind a pooler that hands each transaction a
# different server connection (PgBouncer's transaction mode), where a statement prepared on one
# is missing on the next.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
# SQLite (issue 12): the web server and the task worker write to the same file, so writers
# wait for each other (timeout) instead of failing with "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("timeout", 20)
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------------------------
# English, Spanish and Hmong, each named in its own language (the switcher shows these names).
# The catalogues are locale/<code>/LC_MESSAGES/django.po (`make messages`), compiled to the
# committed django.mo files (`make compilemessages`); docs/translations.md tells the workflow.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("hmn", "Hmoob"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django ships no Hmong locale: its name, direction and (iecmhc/formats/hmn) date formats are
# ours. Django's own strings (month names, its form errors) fall back to English in Hmong.
LANG_INFO.update(
    {
        "hmn": {
            "bidi": False,
            "code": "hmn",
            "name": "Hmong",
            "name_local": "Hmoob",
        }
    }
)
FORMAT_MODULE_PATH = ["iecmhc.formats"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Source maps are fetched only by browsers' developer tools: left uncompressed, they take three
# quarters of collectstatic's time off each `make serve` (the API docs' bundles carry megabytes
# of them, compressed twice over: gzip and brotli, named plain and hashed).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Email: the console in development, SMTP by settings in production; tests use locmem.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="IECMHC Matching <no-reply@iecmhc.example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the Alliance receives notices (a listing waiting for review, a declined offer, ...).
ALLIANCE_NOTIFY_EMAIL = env.str("ALLIANCE_NOTIFY_EMAIL", default="alliance@iecmhc.example.org")

# --- Security ----------------------------------------------------------------------------
# Production (DJANGO_DEBUG=false) is HTTPS only: `manage.py check --deploy` reports nothing.
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preload: browsers ship the HTTPS-only rule (submit the domain at hstspreload.org).
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Cookies: secure (HTTPS only) in production, never readable by scripts (the session), sent
# on top-level navigation from other sites only (Lax), and sessions that end.
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
# The __Host- prefix binds the cookie to this host over HTTPS (browsers enforce it).
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_HOURS", default=12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content Security Policy (django-csp): everything from this origin, nothing inline, no
# plugins, no framing. The API docs page relaxes style-src for Swagger UI (iecmhc/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Client addresses: behind N trusted proxies the client is the Nth address from the right of
# X-Forwarded-For; with none (the default) it is REMOTE_ADDR. Used by login lockouts and rate
# limits alike.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one account from
# one address, or from one address whatever the account, logins from there (for that account,
# or for any) are refused for LOGIN_COOLOFF_MINUTES — on the pages, the admin and the API token
# endpoint alike. Not per account alone: a stranger could then lock anyone out, the Alliance
# included, with five requests. A successful login or a password reset clears the account's.
AXES_ENABLED = env.bool("DJANGO_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "iecmhc.security.client_ip"
AXES_LOCKOUT_CALLABLE = "iecmhc.security.lockout_response"
AXES_USERNAME_CALLABLE = "iecmhc.security.login_username"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # keep no log of every successful login's address

# Rate limits on what costs a person's attention or creates records (iecmhc.throttling):
# per address for registration and token requests, per user for consultation requests.
# DJANGO_RATE_LIMITS=off disables them (load tests on one address).
RATE_LIMITS_ENABLED = env.bool("DJANGO_RATE_LIMITS", default=True)
RATE_LIMITS = {
    "register": env.str("RATE_LIMIT_REGISTER", default="10/hour"),
    "token": env.str("RATE_LIMIT_TOKEN", default="30/minute"),
    "request_create": env.str("RATE_LIMIT_REQUEST_CREATE", default="20/hour"),
    "intake": env.str("RATE_LIMIT_INTAKE", default="5/hour"),  # the public form, per address
}

# API tokens (accounts.models.ApiToken, stored as digests) expire after API_TOKEN_DAYS;
# POST /api/v1/auth/token/rotate/ replaces one, DELETE /api/v1/auth/token/ revokes it, and
# setting a new password revokes them all.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

# The cache holds rate-limit counters, so every worker must share it: the database by
# default (its table is created by a migration, background/migrations), Redis with
# CACHE_URL=redis://...
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://django_cache")}

REST_FRAMEWORK = {
    # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, with JSON bounded in depth (iecmhc.parsers): deep nesting is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "iecmhc.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "iecmhc.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "iecmhc.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "IECMHC consultant–provider matching API",
    "DESCRIPTION": (
        "Connects early childhood programs with infant and early childhood mental health "
        "consultants. Vocabulary fields take stable codes; labels come from "
        "/api/v1/vocabularies/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI's files ship with drf-spectacular-sidecar: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The default enum hook, then every operation's error responses (400/401/403/404).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "iecmhc.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "directory.models.Consultant.ListingStatus",
        "SettingTypeEnum": "directory.vocabularies.SettingType",
        "ModalityEnum": "directory.vocabularies.Modality",
        "RequestModalityEnum": "consultations.models.ConsultationRequest.RequestModality",
        "RequestStatusEnum": "consultations.models.ConsultationRequest.Status",
        "EndorsementStatusEnum": "directory.vocabularies.EndorsementStatus",
    },
}

# Domain settings
OFFER_EXPIRY_DAYS = env.int("OFFER_EXPIRY_DAYS", default=5)
# How long a new request's Idempotency-Key (or the request page's form token) is remembered.
SUBMISSION_KEY_HOURS = env.int("SUBMISSION_KEY_HOURS", default=24)
# Weights of the match score's components (consultations.matching.COMPONENTS), the one place
# they are set; read through consultations.matching.score_weights(), normalised to sum to 1.
MATCHING_WEIGHTS = {
    "specialty": env.float("MATCH_WEIGHT_SPECIALTY", default=0.30),
    "setting": env.float("MATCH_WEIGHT_SETTING", default=0.10),
    "language": env.float("MATCH_WEIGHT_LANGUAGE", default=0.15),
    "distance": env.float("MATCH_WEIGHT_DISTANCE", default=0.15),
    "room": env.float("MATCH_WEIGHT_ROOM", default=0.10),
    "continuity": env.float("MATCH_WEIGHT_CONTINUITY", default=0.10),
    "endorsement": env.float("MATCH_WEIGHT_ENDORSEMENT", default=0.10),
}

# Processes that may share the solving of a large batch's independent parts
# (consultations.matching.components); 1 solves everything in the calling process.
MATCHING_BATCH_WORKERS = max(
    1, env.int("MATCHING_BATCH_WORKERS", default=min(2, os.cpu_count() or 1))
)

# The hours a week an engagement takes by its level until its plan says otherwise; a program or
# community engagement weighs more than one child's (docs/domain.md, "Capacity").
ENGAGEMENT_DEFAULT_WEEKLY_HOURS = {
    "child": env.float("ENGAGEMENT_HOURS_CHILD", default=1.5),
    "classroom": env.float("ENGAGEMENT_HOURS_CLASSROOM", default=2.0),
    "program": env.float("ENGAGEMENT_HOURS_PROGRAM", default=3.0),
    "community": env.float("ENGAGEMENT_HOURS_COMMUNITY", default=3.0),
}

# Intake (consultations.intake, first_contact, waitlist; docs/domain.md "Front door").
# First contact is due this many business days (in the program's state) after receipt.
FIRST_CONTACT_TARGET_BUSINESS_DAYS = {
    "routine": env.int("FIRST_CONTACT_DAYS_ROUTINE", default=2),
    "priority": env.int("FIRST_CONTACT_DAYS_PRIORITY", default=1),
}
INTAKE_LINK_HOURS = env.int("INTAKE_LINK_HOURS", default=48)  # the public form's emailed link
FOLLOW_LINK_DAYS = env.int("FOLLOW_LINK_DAYS", default=365)  # a contact's link to follow it
INTAKE_CHECK_MINUTES = env.int("INTAKE_CHECK_MINUTES", default=15)  # overdue, waitlist jobs

# Logs go to stderr for the process manager. They hold paths, status codes and exceptions,
# never request bodies, tokens or passwords; the redacting filter also masks the secrets that
# can appear in a path (password-reset links) and anything that looks like a token.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "iecmhc.security.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# The audit trail (django-simple-history) records who changed listings, programs and
# requests; admins read it in the Django admin's History pages.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Background work, emails, site URL (issue 12) ----------------------------------------
# Tasks go in the database (django-tasks' database backend): enqueued in the transaction of
# the change that causes them, run by `manage.py run_worker` processes (any number of them;
# on PostgreSQL they share the queue with SELECT ... FOR UPDATE SKIP LOCKED). The worker also
# runs the periodic jobs (background.periodic): no cron line is needed.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The site's address as people reach it (scheme and host, no trailing slash): the links in
# emails are built from it, whatever host renders them. By default, HTTPS on the first of
# DJANGO_ALLOWED_HOSTS; in debug, the dev server's address.
SITE_URL = env.str(
    "SITE_URL",
    default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
    if DEBUG
    else f"https://{next((h.lstrip('.') for h in ALLOWED_HOSTS if h != '*'), 'localhost')}",
).rstrip("/")
# Email delivery (background.services): a failed send is retried after 1, 2, 4, ... minutes,
# at most EMAIL_RETRY_MAX_MINUTES apart, EMAIL_MAX_ATTEMPTS times in all (about a day), then
# kept as failed for the Alliance to see in the admin.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=30)
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=60)
EMAIL_RETRY_MAX_MINUTES = env.int("EMAIL_RETRY_MAX_MINUTES", default=60)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Expire overdue offers every so many minutes (consultations/tasks.py).
OFFER_EXPIRY_CHECK_MINUTES = env.int("OFFER_EXPIRY_CHECK_MINUTES", default=60)
# /healthz reports the task queue as behind when its oldest ready task waits longer than this.
TASK_BACKLOG_ALERT_MINUTES = env.int("TASK_BACKLOG_ALERT_MINUTES", default=15)
