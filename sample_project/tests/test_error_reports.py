"""Error reports: an unhandled exception reaches Sentry and ADMINS, with its request id.

The Sentry SDK sends for real, over HTTP, to devtools/sentry_receiver.py, which
prints a JSON line per event; Django's test settings keep mail in a list (mailoutbox).
"""

import json
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
import sentry_sdk
from django.core.mail import EmailMessage
from django.db import OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from pytest_django import Settings

from devtools.sentry_receiver import Receiver
from myproject.errors import init_sentry, tag_request_id
from myproject.logs import request_id

ADMINS = [("ops@example.com", "ops@example.com")]
Reports = list[dict[str, Any]]


class Bug(Exception):
    """What a view with a bug raises."""


def broken(request: HttpRequest) -> HttpResponse:
    raise Bug("the view has a bug")


# This module is also the URL configuration of the tests marked urls(__name__).
urlpatterns = [path("broken/", broken)]


@pytest.fixture
def sentry_reports(
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Callable[[], Reports]]:
    """The SDK reports to a receiver on a free port; ``sentry_reports()`` reads what
    it received, once the SDK has sent everything."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    init_sentry(f"http://public@127.0.0.1:{server.server_port}/1", environment="test")

    def reports() -> Reports:
        sentry_sdk.flush(timeout=10)
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    yield reports
    sentry_sdk.get_client().close(timeout=10)
    sentry_sdk.init()  # no DSN: the SDK sends nothing from here on
    server.shutdown()
    thread.join()
    server.server_close()


def fail(headers: dict[str, str]) -> None:
    response = Client(raise_request_exception=False).get("/broken/", headers=headers)
    assert response.status_code == 500


@pytest.mark.urls(__name__)
def test_an_unhandled_exception_is_reported_to_sentry_with_its_request_id(
    sentry_reports: Callable[[], Reports],
) -> None:
    fail({"X-Request-ID": "report-1"})

    [report] = sentry_reports()
    assert report["level"] == "error"
    assert report["exception"] == "Bug"
    assert report["message"] == "the view has a bug"
    assert report["request_id"] == "report-1"


def test_a_report_outside_a_request_has_no_request_id() -> None:
    """A management command's error, say: no request, so no tag."""
    assert "request_id" not in tag_request_id({"tags": {}}, {})["tags"]
    token = request_id.set("in-a-request")
    try:
        assert tag_request_id({}, {}) == {"tags": {"request_id": "in-a-request"}}
    finally:
        request_id.reset(token)


@pytest.mark.urls(__name__)
def test_an_unhandled_exception_is_mailed_to_admins_with_its_request_id(
    settings: Settings, mailoutbox: list[EmailMessage]
) -> None:
    settings.ADMINS = ADMINS

    fail({"X-Request-ID": "mail-1"})

    [email] = mailoutbox
    assert email.to == ["ops@example.com"]
    assert email.subject.endswith("Internal Server Error: /broken/")
    assert "Bug at /broken/\nthe view has a bug" in str(email.body)
    assert "myproject.request_id = 'mail-1'" in str(email.body)


def test_a_failing_readiness_check_mails_nobody(
    client: Client,
    settings: Settings,
    mailoutbox: list[EmailMessage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its 503 comes every few seconds while the database is down: no exception, so
    no email (the health check's own error record still goes to the logs)."""
    settings.ADMINS = ADMINS

    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", refuse)

    assert client.get("/healthz").status_code == 503
    assert mailoutbox == []
