"""Settings for production: HTTPS behind nginx, secrets only from the environment.

https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403 (everything in base, then overrides)
from .base import DATABASE_URL_FORM, database_config, env, require

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
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# --8<-- [end:https]
