"""docker-compose.yml and .env.example share one set of database credentials."""

import re
from pathlib import Path
from typing import Any

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
CREDENTIALS = ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB")


def env_example() -> dict[str, str]:
    """.env.example's KEY=VALUE lines, including commented-out ones."""
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    pairs = [re.match(r"#? ?([A-Z_]+)=(.*)$", line) for line in lines]
    return {match[1]: match[2] for match in pairs if match}


def compose() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(
        (BASE_DIR / "docker-compose.yml").read_text()
    )["services"]
    return services


def test_compose_builds_database_url_from_the_db_service_credentials() -> None:
    """One source of truth: .env's POSTGRES_* create the db and form the URL."""
    services = compose()

    assert services["db"]["environment"] == {
        name: f"${{{name}}}" for name in CREDENTIALS
    }
    for name in ("web", "migrate"):
        assert services[name]["environment"]["DATABASE_URL"] == (
            "postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}"
        )
        assert services[name]["env_file"] == ".env"


def test_env_example_defines_url_safe_credentials_and_a_matching_url() -> None:
    env = env_example()
    user, password, name = (env[key] for key in CREDENTIALS)

    assert all(
        re.fullmatch(r"[A-Za-z0-9_-]+", value) for value in (user, password, name)
    )
    assert (
        env["DATABASE_URL"] == f"postgresql://{user}:{password}@127.0.0.1:5432/{name}"
    )
    assert env["SECRET_KEY"] == ""  # never a real or a shared key


def test_a_dot_env_copied_from_the_template_cannot_turn_debug_on() -> None:
    """cp .env.example .env on a server must not give production debug pages."""
    assert env_example().get("DEBUG", "False").lower() in {"false", "0", "off", "no"}


def test_compose_keeps_the_database_private_and_waits_for_it() -> None:
    services = compose()

    assert "ports" not in services["db"]
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert services["web"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
