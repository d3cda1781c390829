"""Settings shared by every environment.

The environment is read here, through one ``environ.Env``; development.py,
production.py and test.py change only what differs and use the same ``env``.
"""

from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

# Lets Django's generic classes (admin.ModelAdmin[Product]) be subscripted at run time.
django_stubs_ext.monkeypatch()

# The folder of manage.py: settings/ -> myproject/ -> here.
BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --8<-- [start:environment]
# ------------------------------------------------------------------------------
# Environment: https://django-environ.readthedocs.io/en/latest/quickstart.html
# A .env file next to manage.py is read when present; real variables win over it.
# ------------------------------------------------------------------------------
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

SECRET_KEY: str = env.str("SECRET_KEY", default="")
DEBUG: bool = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# --8<-- [end:environment]


def require(name: str, form: str) -> str:
    """Return a variable that must be set, or say which one is missing and its form."""
    value: str = env.str(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(f"{name} is not set: production needs {form}")
    return value


# ------------------------------------------------------------------------------
# Applications: https://docs.djangoproject.com/en/5.2/ref/applications/
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = ["rest_framework"]
LOCAL_APPS = ["apps.users", "apps.products"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# ------------------------------------------------------------------------------
# Middleware: https://docs.djangoproject.com/en/5.2/topics/http/middleware/
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "myproject.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "myproject.urls"
WSGI_APPLICATION = "myproject.wsgi.application"

# ------------------------------------------------------------------------------
# Templates: https://docs.djangoproject.com/en/5.2/topics/templates/
# ------------------------------------------------------------------------------
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

# --8<-- [start:database]
# ------------------------------------------------------------------------------
# Database: https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# DATABASE_URL selects PostgreSQL, MariaDB/MySQL or SQLite; unset, a SQLite file.
# ------------------------------------------------------------------------------
DATABASE_SCHEMES = {"postgres", "postgresql", "mysql", "sqlite"}
DATABASE_URL_FORM = (
    # pragma: allowlist nextline secret
    "postgresql://USER:PASSWORD@HOST:5432/NAME, mysql://USER:PASSWORD@HOST:3306/NAME"
    " or sqlite:////absolute/path/db.sqlite3 (URL-encode special characters)"
)


def database_config(url: str) -> dict[str, Any]:
    """Return DATABASES["default"] for a DATABASE_URL, or say clearly what is wrong."""
    config: dict[str, Any] = {}
    if urlsplit(url).scheme in DATABASE_SCHEMES and "://" in url:
        with suppress(ValueError):  # for example a port that is not a number
            config = environ.Env.db_url_config(url)
    if not config.get("NAME"):
        # The value is not echoed: it may contain a password.
        raise ImproperlyConfigured(
            f"DATABASE_URL is malformed: expected {DATABASE_URL_FORM}"
        )
    return config


# Lower case, so not a setting: the debug page would show its password.
database_url: str = env.str("DATABASE_URL", default="")
DATABASES = {
    "default": (
        database_config(database_url)
        if database_url
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    )
}
# --8<-- [end:database]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Authentication: https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
# and password hashing: https://docs.djangoproject.com/en/5.2/topics/auth/passwords/
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
# --8<-- [start:hashers]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# --8<-- [end:hashers]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# ------------------------------------------------------------------------------
# Internationalization: https://docs.djangoproject.com/en/5.2/topics/i18n/
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static files: https://docs.djangoproject.com/en/5.2/howto/static-files/
# collectstatic copies them to STATIC_ROOT, which nginx serves in production.
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (site.3f2a1c.css) let nginx cache them forever.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

# ------------------------------------------------------------------------------
# Django REST framework: https://www.django-rest-framework.org/api-guide/settings/
# Anyone may read; writing needs a logged-in user (session or HTTP Basic).
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}

# --8<-- [start:redis]
# ------------------------------------------------------------------------------
# Cache: https://docs.djangoproject.com/en/5.2/topics/cache/#redis
# CACHE_URL names a Redis database: redis://HOST:6379/1. Unset, nothing is cached
# (Django's dummy cache), and every request asks the database.
# ------------------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="dummycache://")}

# ------------------------------------------------------------------------------
# Background tasks: https://docs.celeryq.dev/en/stable/userguide/configuration.html
# CELERY_BROKER_URL names another database of the same Redis: redis://HOST:6379/0.
# Another, because clearing the cache empties its database, and the queue must
# survive that. Unset, a task runs in the process that queues it, as it is queued.
# ------------------------------------------------------------------------------
celery_broker_url: str = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not celery_broker_url
# Kombu's in-memory transport stands in when there is no queue: nothing is sent to it.
CELERY_BROKER_URL = celery_broker_url or "memory://localhost/"
# A task is taken off the queue when it has run, not when a worker receives it: a
# worker stopped mid-task leaves it for the next one. So a task must be safe to repeat.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING below (JSON lines), like the web processes.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# --8<-- [end:redis]

# --8<-- [start:logging]
# ------------------------------------------------------------------------------
# Logging: https://docs.djangoproject.com/en/5.2/topics/logging/
# One JSON object per line on stdout; the platform collects and ships it.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "myproject.logs.JsonFormatter"}},
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "unhandled_exceptions_only": {"()": "myproject.logs.UnhandledExceptionsOnly"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
        # An email to ADMINS for each unhandled exception (see Error email below).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "unhandled_exceptions_only"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own records go to the root handler only (no plain-text duplicate).
    # django.request: errors (a 500's traceback) only; the request line already says
    # which requests answered 404, so its warnings would be a second line for them.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"handlers": ["mail_admins"], "level": "ERROR"},
    },
}
# --8<-- [end:logging]

# --8<-- [start:email]
# ------------------------------------------------------------------------------
# Error email: https://docs.djangoproject.com/en/5.2/howto/error-reporting/
# With DEBUG off, each unhandled exception is mailed to ADMINS (comma-separated
# addresses; none, no email) through the mail server of EMAIL_URL, for example
# smtp+tls://smtp.example.com:587 with USER:PASSWORD@ before the host name
# (django-environ's email URLs; .env.example shows one).
# ------------------------------------------------------------------------------
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
# MANAGERS hear about each new product (apps/products/tasks.py), by the same road.
MANAGERS = [(address, address) for address in env.list("MANAGERS", default=[])]
SERVER_EMAIL: str = env.str("SERVER_EMAIL", default="django@localhost")
# Lower case, so not a setting: the error email would list its password.
email_config: dict[str, Any] = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_BACKEND: str = email_config["EMAIL_BACKEND"]
EMAIL_HOST: str = email_config["EMAIL_HOST"]
EMAIL_PORT: int = email_config["EMAIL_PORT"]
EMAIL_HOST_USER: str = email_config["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD: str = email_config["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS: bool = email_config.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL: bool = email_config.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10  # seconds: a slow mail server must not hold a request for long
# --8<-- [end:email]

# ------------------------------------------------------------------------------
# Security: https://docs.djangoproject.com/en/5.2/ref/middleware/#ssl-redirect
# Django's defaults (nosniff, X-Frame-Options DENY) stand; production.py adds HTTPS.
# The health checks answer plain HTTP, so probes, load balancers and HEALTHCHECK
# can ask them: /livez (liveness) and /healthz (readiness, asks the database).
# ------------------------------------------------------------------------------
SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^healthz$"]
