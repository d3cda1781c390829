"""The deploy files: docker-compose.yml and .env.example share one set of database
credentials; the static files every Pod serves survive a rolling deploy."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from myproject.publish_static import main, publish

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


def release(folder: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    return folder


def test_both_releases_hashed_files_are_served_during_a_rollout(
    tmp_path: Path,
) -> None:
    old = release(tmp_path / "v1", {"css/site.aaaaaaaaaaaa.css": "old", "x.txt": "1"})
    new = release(tmp_path / "v2", {"css/site.bbbbbbbbbbbb.css": "new", "x.txt": "2"})
    shared = tmp_path / "static"

    publish(old, shared)
    assert publish(new, shared) == 2

    served = {
        str(path.relative_to(shared)): path.read_text()
        for path in shared.rglob("*")
        if path.is_file()
    }
    assert served == {
        "css/site.aaaaaaaaaaaa.css": "old",  # the old Pods' pages still link to it
        "css/site.bbbbbbbbbbbb.css": "new",
        "x.txt": "2",  # an unhashed name: the newest copy
    }


def test_a_file_is_replaced_by_a_rename_never_rewritten_in_place(
    tmp_path: Path,
) -> None:
    """nginx may be sending the old file: it keeps its own copy until done."""
    shared = tmp_path / "static"
    publish(release(tmp_path / "v1", {"site.css": "old"}), shared)
    being_served = (shared / "site.css").open()

    publish(release(tmp_path / "v2", {"site.css": "new"}), shared)

    assert being_served.read() == "old"
    being_served.close()
    assert (shared / "site.css").read_text() == "new"


def test_the_command_says_what_it_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = release(tmp_path / "v1", {"a.css": "a", "img/b.svg": "b"})

    main([str(source), str(tmp_path / "static")])

    assert capsys.readouterr().out == f"published 2 static files to {tmp_path}/static\n"
