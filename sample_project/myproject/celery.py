"""The Celery application: what `celery --app myproject worker` runs.

https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
Settings named CELERY_* in the settings package configure it (base.py, "Background
tasks"); each app's tasks.py is found on its own.
"""

import os

from celery import Celery

# The worker is not started by manage.py, so it picks the same default settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings.development")

app = Celery("myproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
