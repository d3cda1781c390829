"""Project-level views: the health checks.

Two questions, two addresses, because a platform acts differently on each answer:

- ``/livez`` (liveness): is this process alive? It touches nothing else, so an
  outage of the database never makes the platform restart every instance.
- ``/healthz`` (readiness): can this instance serve requests now? It asks the
  database; while it answers 503, the load balancer sends no traffic here.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def livez(request: HttpRequest) -> JsonResponse:
    """200 while the process answers requests; asks no database or service."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 with a reason when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("health check: database unavailable", exc_info=exc)
        reason = f"database unavailable: {type(exc).__name__}"
        return JsonResponse(
            {"status": "error", "database": "error", "reason": reason}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})
