"""Settings for production: HTTPS behind nginx, secrets only from the environment.

https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

from django.core.exceptions import ImproperlyConfigured

from myproject.errors import init_sentry

from .base import *  # noqa: F401,F403 (everything in base, then overrides)
from .base import DATABASE_URL_FORM, database_config, env, require

# --8<-- [start:debug]
# ------------------------------------------------------------------------------
# Debug: https://docs.djangoproject.com/en/5.2/ref/settings/#debug
# Debug pages show settings, code and SQL to anyone: production never turns it on.
# DEBUG=True in the environment (or a .env copied from a laptop) stops start-up.
# ------------------------------------------------------------------------------
if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured(
        "DEBUG is on: production never runs in debug mode. Remove DEBUG from the"
        " environment and .env, or set DEBUG=False"
    )
DEBUG = False
# --8<-- [end:debug]

# --8<-- [start:required]
# ------------------------------------------------------------------------------
# Critical settings:
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/#critical-settings
# No defaults: a missing or malformed value stops start-up with one clear line.
# ------------------------------------------------------------------------------
SECRET_KEY_FORM = (
    "a long random value, e.g. "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)
SECRET_KEY = require("SECRET_KEY", SECRET_KEY_FORM)
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too short or a development key: production needs"
        f" {SECRET_KEY_FORM} (50+ characters)"
    )
# --8<-- [start:fallbacks]
# Rotation: the new key signs; the old ones, comma-separated, are still accepted
# (sessions, password reset links) until they are removed from this list.
SECRET_KEY_FALLBACKS = [
    key.strip() for key in env.list("SECRET_KEY_FALLBACKS", default=[]) if key.strip()
]
# --8<-- [end:fallbacks]

ALLOWED_HOSTS = [
    host.strip()
    for host in require(
        "ALLOWED_HOSTS", "comma-separated host names, e.g. example.com,www.example.com"
    ).split(",")
]
for host in ALLOWED_HOSTS:
    if not host or "/" in host:
        raise ImproperlyConfigured(
            f"ALLOWED_HOSTS is malformed: {host!r} is not a host name; expected "
            "comma-separated host names, e.g. example.com,www.example.com"
            " (no scheme, no path)"
        )

DATABASES = {"default": database_config(require("DATABASE_URL", DATABASE_URL_FORM))}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# --8<-- [end:required]

# --8<-- [start:https]
# ------------------------------------------------------------------------------
# HTTPS: https://docs.djangoproject.com/en/5.2/topics/security/#ssl-https
# nginx terminates TLS and sets X-Forwarded-Proto; only trust it behind nginx.
# ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# ------------------------------------------------------------------------------
# HSTS: https://docs.djangoproject.com/en/5.2/topics/security/#ssl-https
# Browsers remember it for max-age seconds and cannot be told to forget: start
# small, raise it once HTTPS works everywhere; subdomains and preload only by choice.
# ------------------------------------------------------------------------------
# The least max-age the preload list accepts (lower case: not a setting).
preload_minimum = 60 * 60 * 24 * 365
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if SECURE_HSTS_PRELOAD and not (
    SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_SECONDS >= preload_minimum
):
    raise ImproperlyConfigured(
        "SECURE_HSTS_PRELOAD needs SECURE_HSTS_INCLUDE_SUBDOMAINS=True and"
        f" SECURE_HSTS_SECONDS={preload_minimum} or more: the preload list"
        " refuses anything less"
    )
# check --deploy warns until subdomains (W005) and preload (W021) are on. Both are
# decisions for the team once HTTPS is proven on every subdomain, not defaults.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
# --8<-- [end:https]

# --8<-- [start:sentry]
# ------------------------------------------------------------------------------
# Error reports: https://docs.sentry.io/platforms/python/integrations/django/
# SENTRY_DSN is the address of the team's Sentry project (Settings > Client Keys);
# unset, nothing is sent. SENTRY_ENVIRONMENT tells staging's reports from
# production's.
# ------------------------------------------------------------------------------
SENTRY_DSN: str = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(SENTRY_DSN, env.str("SENTRY_ENVIRONMENT", default="production"))
# --8<-- [end:sentry]
