"""Request logging: one JSON line per request (see logs.JsonFormatter).

gunicorn's own access log is off (gunicorn.conf.py), so this line is the only one a
request writes: it has the app's fields, and a request id that nginx's log and the
client's support ticket can be matched with.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .logs import REQUEST_ID_KEY, request_id

logger = logging.getLogger("myproject.request")

HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else (too
# long, or characters that could forge log lines) is replaced, never logged.
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def incoming_request_id(request: HttpRequest) -> str:
    """The proxy's X-Request-ID when it is well formed, else a new one."""
    given = request.headers.get(HEADER, "")
    return given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Log method, path, status, duration and request id of every request, once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        current = incoming_request_id(request)
        # For Django's own records about this request (django.request logs each 5xx
        # after this middleware has returned): they carry the request, not the context.
        request.META[REQUEST_ID_KEY] = current
        token = request_id.set(current)
        try:
            response = self.get_response(request)
            response[HEADER] = current
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,  # no query string: it may carry secrets
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )
        finally:
            request_id.reset(token)
        return response
