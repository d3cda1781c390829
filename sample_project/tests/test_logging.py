"""Logs are JSON lines on stdout: one per request, with its request id."""

import json
import logging
import logging.config
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.test import Client

from myproject.logs import JsonFormatter

Entries = list[dict[str, Any]]


@pytest.fixture
def logs_of(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Entries]]:
    """``logs_of(call)``: every JSON line ``call`` writes to stdout, as the platform
    collects it."""

    def collect(call: Callable[[], object]) -> Entries:
        logging.config.dictConfig(settings.LOGGING)  # bind to the captured stdout
        capsys.readouterr()
        call()
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    yield collect
    with capsys.disabled():
        logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_a_request_is_one_line_with_the_proxys_request_id(
    client: Client, logs_of: Callable[..., Entries]
) -> None:
    responses = []

    def request() -> None:
        responses.append(
            client.get(
                "/healthz?token=do-not-log",
                headers={"X-Request-ID": "id-from-nginx-1"},
            )
        )

    [entry] = logs_of(request)  # one line, not one from the app and one from gunicorn
    assert entry["logger"] == "myproject.request"
    assert entry["request_id"] == "id-from-nginx-1"
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
    assert "do-not-log" not in json.dumps(entry)
    assert responses[0]["X-Request-ID"] == "id-from-nginx-1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", [None, "", "x" * 65, 'evil"\n{"level": "ERROR"}'], ids=repr
)
def test_without_a_usable_request_id_the_app_makes_one(
    client: Client, logs_of: Callable[..., Entries], header: str | None
) -> None:
    headers = {} if header is None else {"X-Request-ID": header}

    responses = []

    [entry] = logs_of(lambda: responses.append(client.get("/livez", headers=headers)))
    assert len(entry["request_id"]) == 32
    assert entry["request_id"] != header
    assert responses[0]["X-Request-ID"] == entry["request_id"]


@pytest.mark.django_db
def test_a_not_found_is_one_line_too(
    client: Client, logs_of: Callable[..., Entries]
) -> None:
    [entry] = logs_of(lambda: client.get("/no-such-page/"))
    assert (entry["path"], entry["status"]) == ("/no-such-page/", 404)


def test_what_a_request_logs_carries_its_request_id(
    client: Client, logs_of: Callable[..., Entries], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The errors and the request line share one id: one search finds them all."""

    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", refuse)

    entries = logs_of(
        lambda: client.get("/healthz", headers={"X-Request-ID": "outage-1"})
    )
    assert [entry["logger"] for entry in entries] == [
        "myproject.views",  # the health check's reason
        "myproject.request",  # the request line
        "django.request",  # Django logs every 5xx answer as an error
    ]
    assert {entry["request_id"] for entry in entries} == {"outage-1"}


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
    assert "request_id" not in json.loads(line)  # logged outside any request
