"""Logs are JSON lines on stdout: one per request, from RequestLogMiddleware."""

import json
import logging
import logging.config
import sys

import pytest
from django.conf import settings
from django.test import Client

from myproject.logs import JsonFormatter


@pytest.mark.django_db
def test_each_request_is_one_json_line_on_stdout(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.config.dictConfig(settings.LOGGING)  # bind the handler to captured stdout
    try:
        client.get("/healthz?token=do-not-log")
        lines = capsys.readouterr().out.splitlines()
    finally:
        with capsys.disabled():
            logging.config.dictConfig(settings.LOGGING)

    entries = [json.loads(line) for line in lines]
    requests = [entry for entry in entries if entry["logger"] == "myproject.request"]
    assert len(requests) == 1
    assert requests[0]["method"] == "GET"
    assert requests[0]["path"] == "/healthz"
    assert requests[0]["status"] == 200
    assert requests[0]["duration_ms"] >= 0
    assert "do-not-log" not in json.dumps(requests[0])


def test_exceptions_stay_on_one_line() -> None:
    """A traceback is a JSON string, so log shippers never split it."""
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "app", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]
