"""Gunicorn configuration: `gunicorn -c gunicorn.conf.py` (the Dockerfile's CMD).

Each value comes from the environment, with a default:
  GUNICORN_BIND        address to listen on; default 127.0.0.1:8000 (nginx in front,
                       on the same host). The Docker image sets 0.0.0.0:8000.
  WEB_CONCURRENCY      worker processes; default 4 (about 2 x CPU cores + 1).
  GUNICORN_TIMEOUT     seconds before a silent worker is restarted; default 30.
  FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are trusted;
                       default 127.0.0.1,::1 (nginx on the same host).

https://docs.gunicorn.org/en/stable/settings.html
"""

import os

wsgi_app = "myproject.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log: myproject.middleware.RequestLogMiddleware writes one JSON line per
# request, with the app's fields and the request id. gunicorn's own line would say
# the same again, without them. gunicorn's errors (a worker killed, say) go to
# stderr: the platform collects both streams.
accesslog = None
errorlog = "-"

# No gunicornc control socket (gunicorn 25+ puts it in $HOME, and the image's
# user has no home); deploys restart the service instead.
control_socket_disable = True
