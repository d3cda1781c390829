"""WSGI entry point, served by gunicorn (see gunicorn.conf.py).

https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings.production")

application = get_wsgi_application()
