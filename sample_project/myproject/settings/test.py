"""Settings for pytest (pyproject.toml sets DJANGO_SETTINGS_MODULE to this module).

https://docs.djangoproject.com/en/5.2/topics/testing/overview/
"""

from .base import *  # noqa: F403

# ------------------------------------------------------------------------------
# Core: https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
# ------------------------------------------------------------------------------
DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else"  # pragma: allowlist secret

# ------------------------------------------------------------------------------
# Passwords:
# https://docs.djangoproject.com/en/5.2/topics/testing/overview/#password-hashing
# MD5 keeps tests fast; tests of hashing override PASSWORD_HASHERS back.
# ------------------------------------------------------------------------------
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# ------------------------------------------------------------------------------
# Static files: https://docs.djangoproject.com/en/5.2/ref/contrib/staticfiles/
# No manifest in tests: pages render without running collectstatic first.
# ------------------------------------------------------------------------------
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ------------------------------------------------------------------------------
# Cache and tasks: the tests need no Redis, whatever .env says. The cache is this
# process's memory (conftest.py empties it for each test); a task runs where it is
# queued, retries included, and its result says how it ended.
# ------------------------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = True
