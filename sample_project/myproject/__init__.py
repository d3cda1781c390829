# Loaded with Django, so @shared_task in each app's tasks.py uses this Celery app.
from .celery import app as celery_app

__all__ = ["celery_app"]
