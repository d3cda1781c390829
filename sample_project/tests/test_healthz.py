"""/healthz tells a load balancer whether this instance can serve."""

from typing import NoReturn

import pytest
from django.db import OperationalError
from django.test import Client
from pytest_django import Settings

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


class BrokenConnection:
    """Stands in for django.db.connection when the database is down."""

    def cursor(self) -> NoReturn:
        raise OperationalError("connection refused")


def test_healthz_is_503_with_a_reason_when_the_database_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("myproject.views.connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "reason": "database unavailable: OperationalError",
    }


def test_healthz_answers_plain_http_when_https_is_enforced(
    client: Client, settings: Settings
) -> None:
    """Probes speak HTTP to the container; every other page redirects to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/products/").status_code == 301


def test_healthz_only_answers_reads(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
