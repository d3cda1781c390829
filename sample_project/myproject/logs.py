"""Structured logging: every record becomes one JSON object on one line."""

import json
import logging
from datetime import datetime, timezone
from typing import Any

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
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # default=str: Django passes objects (a socket, a status) in ``extra``.
        return json.dumps(entry, default=str)
