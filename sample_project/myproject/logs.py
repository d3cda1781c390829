"""Structured logging: every record becomes one JSON object on one line."""

import json
import logging
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

# The id of the request being served (set by middleware.RequestLogMiddleware): every
# record logged while it runs carries it, so one search finds all of a request's lines.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The same id in the request's META, for records that carry the request instead.
REQUEST_ID_KEY = "myproject.request_id"


def record_request_id(record: logging.LogRecord) -> str | None:
    """The id of the request this record was logged for, if any."""
    request = getattr(record, "request", None)
    meta = getattr(request, "META", None)
    if isinstance(meta, dict) and REQUEST_ID_KEY in meta:
        return str(meta[REQUEST_ID_KEY])
    return request_id.get()


# Attributes every LogRecord has; anything else came from ``extra=`` and is kept.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON line: time, level, logger, message and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in _RECORD_ATTRIBUTES and key != "request"
        )
        if (current := record_request_id(record)) is not None:
            entry["request_id"] = current
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # default=str: Django passes objects (a socket, a status) in ``extra``.
        return json.dumps(entry, default=str)


class UnhandledExceptionsOnly(logging.Filter):
    """Pass only records with a traceback: for django.request, unhandled exceptions.

    Django logs every 5xx answer as an error, and a readiness check that fails says
    503 every few seconds: mail for each would bury the one report that matters.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.exc_info is not None
