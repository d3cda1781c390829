"""The health checks: /livez (is the process alive?) and /healthz (can it serve?)."""

from typing import NoReturn

import pytest
from django.db import OperationalError, connections
from django.test import Client
from pytest_django import Settings


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def refuse_connection() -> NoReturn:
    raise OperationalError("connection refused")


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection attempt fails, as when PostgreSQL is down or unreachable."""
    monkeypatch.setattr(connections["default"], "ensure_connection", refuse_connection)


@pytest.mark.usefixtures("database_down")
def test_livez_answers_while_the_database_is_down(client: Client) -> None:
    """A liveness probe that failed here would restart every instance at once."""
    response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.usefixtures("database_down")
def test_healthz_is_503_with_a_reason_when_the_database_is_down(
    client: Client,
) -> None:
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "reason": "database unavailable: OperationalError",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/livez", "/healthz"])
def test_health_checks_answer_plain_http_when_https_is_enforced(
    client: Client, settings: Settings, path: str
) -> None:
    """Probes speak HTTP to the container; every other page redirects to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(path).status_code == 200
    assert client.get("/products/").status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/livez", "/healthz"])
def test_health_checks_only_answer_reads(client: Client, path: str) -> None:
    assert client.post(path).status_code == 405
