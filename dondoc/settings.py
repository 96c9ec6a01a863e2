"""Django settings for Đôn đốc.

Configuration comes from environment variables only (see README, "Configuration"). Defaults are
safe for production (DEBUG off, secure cookies when not debugging); development is opted into
with ``DONDOC_DEBUG=true``. Without ``DATABASE_URL`` the database is SQLite in the working folder.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dondoc.core import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.string("DONDOC_DATA_DIR", str(Path.cwd())))

DEBUG = env.boolean("DONDOC_DEBUG", False)
SECRET_KEY = env.raw("DONDOC_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DONDOC_SECRET_KEY (or DONDOC_SECRET_KEY_FILE) must be set when DONDOC_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.string_list(
    "DONDOC_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.string_list("DONDOC_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "ninja",  # serves the API docs (Swagger UI) from its own static files, no CDN
    "dondoc.core",
    "dondoc.outbox",
    "dondoc.accounts",
    "dondoc.orgs",
    "dondoc.tasks",
    "dondoc.indicators",
    "dondoc.api",
    "dondoc.reports",
    "dondoc.rounds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dondoc.followups",
    "dondoc.notifications",
    "dondoc.audit",
    "dondoc.portal",
    "dondoc.reader",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dondoc.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dondoc.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dondoc.core.params.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the session's user read by a statement compiled once.
    "dondoc.accounts.signin.AuthenticationMiddleware",
    "dondoc.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dondoc.core.errors.FriendlyErrorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dondoc.urls"
WSGI_APPLICATION = "dondoc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dondoc.notifications.context.notifications",
            ],
        },
    }
]

#: Form widgets: the plain inputs written in Python, the same HTML as Django's templates.
FORM_RENDERER = "dondoc.core.renderer.FormRenderer"

DATABASE_URL = env.string("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # PostgreSQL's JIT compiler spends ~0.5 s compiling the status expressions of a
        # dashboard query that then runs in 80 ms: off for this workload of short queries.
        # The planner's default cost of a random page read (4) is a spinning disk's: with the
        # working set cached or on SSD it prefers scanning all tasks over probing the few the
        # filters name (the task list's lead and status filters: a 50,000-task scan instead of
        # a thousand index probes). 1.1 is the usual setting for SSD storage.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c random_page_cost=1.1"
        )
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "db.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and the scheduler share the file: write-ahead log, and
    # transactions that take the write lock at once instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "rounds:home"  # the to-do for reporters and heads
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.integer("DONDOC_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

#: Django's database sessions, their read compiled once (``accounts.signin``).
SESSION_ENGINE = "dondoc.accounts.signin"
SESSION_COOKIE_AGE = env.integer("DONDOC_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.boolean("DONDOC_SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.boolean("DONDOC_SSL_REDIRECT", False)
# Trust X-Forwarded-Proto only behind a proxy that sets it (otherwise a client could claim HTTPS);
# likewise the client's address is the last X-Forwarded-For hop only then (core/history.py).
DONDOC_BEHIND_PROXY = env.boolean("DONDOC_BEHIND_PROXY", False)
if DONDOC_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.integer("DONDOC_HSTS_SECONDS", 0)

LANGUAGE_CODE = env.string("DONDOC_LANGUAGE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.string("DONDOC_TIME_ZONE", "Asia/Ho_Chi_Minh")
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["dondoc.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.string("DONDOC_STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.string("DONDOC_MEDIA_ROOT", str(DATA_DIR / "media")))

# Uploads: attachments to progress updates and import files.
DONDOC_MAX_UPLOAD_BYTES = env.integer("DONDOC_MAX_UPLOAD_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = DONDOC_MAX_UPLOAD_BYTES + 1024 * 1024
#: Files nobody may fetch without a view's check (the portal's attachments): never under a
#: folder the web server serves.
DONDOC_PRIVATE_ROOT = Path(env.string("DONDOC_PRIVATE_ROOT", str(DATA_DIR / "private")))
DONDOC_DUE_SOON_DAYS = env.integer("DONDOC_DUE_SOON_DAYS", 14)

# Directive reading: an optional OpenAI-compatible chat-completions endpoint asked about the
# items the rule-based reader is least sure of (docs/reader.md). Off unless URL and model are set.
DONDOC_READER_LLM_URL = env.string("DONDOC_READER_LLM_URL", "")
DONDOC_READER_LLM_MODEL = env.string("DONDOC_READER_LLM_MODEL", "")
DONDOC_READER_LLM_KEY = env.string("DONDOC_READER_LLM_KEY", "")
DONDOC_READER_LLM_TIMEOUT = env.integer("DONDOC_READER_LLM_TIMEOUT", 20)
#: An indicator value moving more than this many percent from the last period asks the
#: reporter to confirm it (a warning, not an error).
DONDOC_INDICATOR_JUMP_PERCENT = env.integer("DONDOC_INDICATOR_JUMP_PERCENT", 50)
#: Check every reuse of a statement kept per shape against the ORM's (``core/prepared.py``,
#: ``tasks/statements.py``): on in the test suite, off in production.
DONDOC_VERIFY_KEPT_SQL = env.boolean("DONDOC_VERIFY_KEPT_SQL", False)
#: The share of expected units (per cent) that must have reported before their values roll
#: up into a national figure (``indicators/national.py``).
DONDOC_INDICATOR_ROLLUP_MIN_COVERAGE = env.integer("DONDOC_INDICATOR_ROLLUP_MIN_COVERAGE", 50)

EMAIL_BACKEND = env.string(
    "DONDOC_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.string("DONDOC_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("DONDOC_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env.string("DONDOC_FROM_EMAIL", "dondoc@localhost")
EMAIL_HOST_USER = env.string("DONDOC_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.raw("DONDOC_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env.boolean("DONDOC_EMAIL_TLS", False)
EMAIL_TIMEOUT = env.integer("DONDOC_EMAIL_TIMEOUT", 30)
#: The address of the site as users reach it, for links in e-mails ("https://dondoc.example").
DONDOC_SITE_URL = env.string("DONDOC_SITE_URL", "http://localhost:8000").rstrip("/")
#: Days before a task's deadline when its agencies are reminded (users may choose their own).
DONDOC_REMIND_DAYS = env.integer("DONDOC_REMIND_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env.integer("DONDOC_PASSWORD_RESET_SECONDS", 3 * 3600)
#: Password-reset requests allowed per address (and per account) in ``..._WINDOW`` seconds.
DONDOC_PASSWORD_RESET_LIMIT = env.integer("DONDOC_PASSWORD_RESET_LIMIT", 3)
DONDOC_PASSWORD_RESET_WINDOW = env.integer("DONDOC_PASSWORD_RESET_WINDOW", 3600)

# Public portal (cổng góp ý): submissions allowed per address and per e-mail in the window,
# attachments, reports that hide a published item, days an agency has to answer.
DONDOC_PORTAL_LIMIT = env.integer("DONDOC_PORTAL_LIMIT", 20)
DONDOC_PORTAL_EMAIL_LIMIT = env.integer("DONDOC_PORTAL_EMAIL_LIMIT", 10)
DONDOC_PORTAL_WINDOW = env.integer("DONDOC_PORTAL_WINDOW", 3600)
DONDOC_PORTAL_MAX_FILE_BYTES = env.integer("DONDOC_PORTAL_MAX_FILE_MB", 10) * 1024 * 1024
DONDOC_PORTAL_MAX_FILES = env.integer("DONDOC_PORTAL_MAX_FILES", 3)
DONDOC_PORTAL_HIDE_AFTER_REPORTS = env.integer("DONDOC_PORTAL_HIDE_AFTER_REPORTS", 3)
DONDOC_PORTAL_ANSWER_DAYS = env.integer("DONDOC_PORTAL_ANSWER_DAYS", 30)
#: Seconds a public portal page (published list, item, feeds) is kept in the cache; any change
#: to a submission makes the kept pages stale at once (``portal/public_cache.py``).
DONDOC_PORTAL_CACHE_SECONDS = env.integer("DONDOC_PORTAL_CACHE_SECONDS", 60)
#: The program whose solution groups the public form offers (its code); the first one if unset.
DONDOC_PORTAL_PROGRAM = env.string("DONDOC_PORTAL_PROGRAM", "")
#: Seconds the public progress page's figures are kept (cache and ``Cache-Control: max-age``).
DONDOC_PROGRESS_CACHE_SECONDS = env.integer("DONDOC_PROGRESS_CACHE_SECONDS", 60)

# Cache (rate limits): Redis in production, a database table needing no service otherwise.
CACHE_URL = env.string("DONDOC_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL in ("", "db://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "dondoc_cache",
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"DONDOC_CACHE_URL={CACHE_URL!r}: use redis://host:6379/0, db:// or locmem://"
    )

# Job queue (Celery). Without DONDOC_BROKER_URL the queue lives in files under the data folder,
# so that a single machine needs no extra service; production uses RabbitMQ (amqp://) or Redis.
QUEUE_DIR = DATA_DIR / "queue"
CELERY_BROKER_URL = env.string("DONDOC_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "messages"),
        "data_folder_out": str(QUEUE_DIR / "messages"),
        "control_folder": str(QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env.string("DONDOC_QUEUE", "dondoc")
CELERY_TASK_ACKS_LATE = True  # a job is acknowledged once it ran: a killed worker loses none
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never waits long for an unreachable broker: the sweep delivers what was not queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_ALWAYS_EAGER = env.boolean("DONDOC_QUEUE_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
#: How often the scheduler delivers whatever is still pending (seconds).
DONDOC_SWEEP_SECONDS = env.integer("DONDOC_SWEEP_SECONDS", 60)
#: When the scheduler runs the daily reminders (``dondoc notify``), local time "HH:MM".
DONDOC_REMIND_AT = env.clock("DONDOC_REMIND_AT", (7, 0))
#: How long a sender holds a message it claimed before another may take it over (seconds);
#: longer than one SMTP exchange can last.
DONDOC_MAIL_LEASE_SECONDS = env.integer("DONDOC_MAIL_LEASE_SECONDS", max(300, 4 * EMAIL_TIMEOUT))
#: A user with more e-mails than this waiting at once gets one summary message instead.
DONDOC_EMAIL_GROUP_OVER = env.integer("DONDOC_EMAIL_GROUP_OVER", 3)
OTP_TOTP_ISSUER = "Đôn đốc"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"plain_refusals": {"()": "dondoc.core.logs.PlainRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["plain_refusals"]}},
    "root": {"handlers": ["console"], "level": env.string("DONDOC_LOG_LEVEL", "WARNING")},
}
