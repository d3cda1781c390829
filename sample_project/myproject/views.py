"""Project-level views: the health check."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


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
