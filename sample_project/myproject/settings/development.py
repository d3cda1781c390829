"""Settings for a developer's machine: manage.py's default.

https://docs.djangoproject.com/en/5.2/topics/settings/
"""

from .base import *  # noqa: F401,F403 (everything in base, then overrides)
from .base import ALLOWED_HOSTS, SECRET_KEY, env

# ------------------------------------------------------------------------------
# Core: https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
# Defaults for a laptop; the environment or .env still wins.
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "django-insecure-development-only-never-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]

# Mail is printed in the terminal of the process that sends it, unless EMAIL_URL
# names a mail server.
if not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
