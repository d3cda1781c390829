"""ASGI entry point, for an ASGI server (uvicorn, daphne) if you move to one.

https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings.production")

application = get_asgi_application()
