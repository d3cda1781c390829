"""A chapter that uses PostgreSQL gets the reader's server, as the reader's profile names it.

No database, no DATABASE_URL: the page creates its own by visible steps, and whatever it
leaves on the server fails the page and is dropped.
"""

from __future__ import annotations

import os
import pwd
import socket
from pathlib import Path

import psycopg
import pytest

from handbook.mariadb import answers
from tests.chapters import Handbook, exact, free_port

SERVER = os.environ.get("DATABASE_URL", "")
"""A PostgreSQL server you run, e.g. postgresql://postgres@127.0.0.1:5432/postgres.

The tests of the DATABASE_URL provider need one; CI runs them a second time with it set
(`.ci/run`). Without it they are skipped, saying so; the pgserver tests always run.
"""
needs_server = pytest.mark.skipif(
    not SERVER, reason="set DATABASE_URL to a PostgreSQL server to test that provider"
)


def databases_on_the_server() -> set[str]:
    with psycopg.connect(SERVER, autocommit=True) as connection:
        return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}


@pytest.mark.database
@needs_server
def test_a_chapter_reaches_the_database_url_server_through_the_readers_profile(
    handbook: Handbook, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """psql reaches the server the profile names; no database is pre-set, none is left."""
    monkeypatch.setenv("DATABASE_URL", SERVER)
    record = tmp_path / "record"
    handbook.chapter_from("database", record=record, last="dropdb shop")
    before = databases_on_the_server()

    result = handbook.run("docs/database.md")

    result.assert_outcomes(passed=7)
    assert record.read_text().split() == ["unset", "unset", "127.0.0.1"]
    assert databases_on_the_server() == before
    environment = handbook.report()["runs"]["database"]["environment"]
    assert environment["database_provider"] == "DATABASE_URL"
    assert environment["postgresql"].split(".")[0].isdigit()


@pytest.mark.database
def test_without_database_url_the_readers_server_is_a_pgserver(
    handbook: Handbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine with no server and no Docker still proves database chapters, and cleans up."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    record = tmp_path / "record"
    handbook.chapter_from("database", record=record, last="dropdb shop")

    result = handbook.run("docs/database.md")

    result.assert_outcomes(passed=7)
    database_url, database, socket_folder = record.read_text().split()
    assert (database_url, database) == ("unset", "unset")
    assert socket_folder.startswith("/")
    assert not Path(socket_folder).exists()  # the whole temporary server is gone
    environment = handbook.report()["runs"]["database"]["environment"]
    assert environment["database_provider"] == "pgserver"


@pytest.mark.database
def test_a_database_the_page_leaves_on_the_readers_server_fails_it_and_is_dropped(
    handbook: Handbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader's server keeps what a page makes: the page must drop it, or say it stays."""
    if SERVER:  # CI's second pass: the reader's own server, which must be left clean
        monkeypatch.setenv("DATABASE_URL", SERVER)
    handbook.chapter_from("database", record=tmp_path / "record", last="createdb scratch")
    before = databases_on_the_server() if SERVER else set()

    result = handbook.run("docs/database.md")

    result.assert_outcomes(passed=7, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/database.md:1: the page changed the reader's machine and does not say so:",
            "  database scratch",
            "  database shop",
        ]
    )
    if SERVER:
        assert databases_on_the_server() == before


@pytest.mark.database
@pytest.mark.slow
@needs_server
def test_django_migrates_into_the_chapters_database(
    handbook: Handbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handbook's central promise: a real Django project against a real PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", SERVER)
    # pytester's HOME is empty: let the chapter's pip use the user's cache, as a reader's does.
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    monkeypatch.setenv("XDG_CACHE_HOME", os.environ.get("XDG_CACHE_HOME", str(home / ".cache")))
    handbook.chapter_from("django")
    before = databases_on_the_server()

    result = handbook.run("docs/django.md", timeout=600)

    result.assert_outcomes(passed=7)
    run = handbook.report()["runs"]["django"]
    assert run["environment"]["django"].startswith("5.2.")
    assert run["environment"]["database_provider"] == "DATABASE_URL"
    assert databases_on_the_server() == before


ROLE = """\
---
handbook:
  database: postgresql
---

# The reader's role

```bash
query="SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = user"
psql -d postgres -Atc "$query"
```

<!-- handbook: output -->
```text
f|t|t
```
"""


@pytest.mark.database
def test_the_reader_connects_as_a_role_of_their_own_not_a_superuser(
    handbook: Handbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the prerequisites ask of a reader's role, and no more: a page needing more fails."""
    if SERVER:
        monkeypatch.setenv("DATABASE_URL", SERVER)
    handbook.chapter("role", ROLE)

    result = handbook.run("docs/role.md")

    result.assert_outcomes(passed=4)


def test_a_database_url_that_does_not_answer_is_named_without_its_password(
    handbook: Handbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a psycopg traceback from the engine's insides: which URL, and what to do."""
    port = free_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql://ada:s3cret@127.0.0.1:{port}/shop")
    handbook.chapter_from("database", record=handbook.root / "record.txt", last="true")

    result = handbook.run("docs/database.md")

    result.assert_outcomes(errors=7)  # the set-up error, told at each block
    result.stdout.fnmatch_lines(
        [
            "*"
            + exact(
                "docs/database.md: cannot set up the chapter: "
                f"DATABASE_URL=postgresql://ada:***@127.0.0.1:{port}/shop does not answer ("
            )
            + "*). Start that server or correct the URL; or unset DATABASE_URL, and the engine "
            "starts a PostgreSQL of its own: in Docker where a daemon answers, else from a "
            "wheel (pgserver)"
        ]
    )
    assert "s3cret" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_when_pgserver_cannot_start_postgresql_the_error_says_what_initdb_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pgserver raises an error naming only the command; what it printed is in its log."""
    import logging  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    from pgserver import postgres_server  # noqa: PLC0415

    from handbook import database  # noqa: PLC0415

    def failing(folder: str, cleanup_mode: str) -> None:
        logging.getLogger("pgserver").error(
            "Failed postgres command:\nstdout:\n\n---\nstderr:\n"
            "initdb: error: could not create directory: No space left on device\n---\n"
        )
        raise subprocess.CalledProcessError(1, ["initdb", "-D", folder])

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(database, "docker_available", lambda: False)
    monkeypatch.setattr(postgres_server, "get_server", failing)

    with pytest.raises(LookupError) as raised, database.start_server():
        pass

    assert "returned non-zero exit status 1; it said: initdb: error: could not create " in str(
        raised.value
    )
    assert str(raised.value).endswith(
        "No space left on device). Set DATABASE_URL to a "
        "server you run, e.g. postgresql://postgres@127.0.0.1:5432/postgres"
    )


def test_pages_on_one_mariadb_server_take_turns_as_on_postgresql() -> None:
    """A page drops the databases that appear on the server while it runs, so two at
    once would drop each other's (`CREATE DATABASE django_app` on the Database page)."""
    from handbook.claim import claim_server  # noqa: PLC0415
    from handbook.mariadb import reader_server  # noqa: PLC0415

    url = f"mysql://root@127.0.0.1:{free_port()}/"  # the turn is taken before it connects
    held = claim_server(url, wait=0)
    assert held is not None

    refused = pytest.raises(LookupError, match=r"^the MariaDB server stayed in use by ")
    with held, refused, reader_server(url, wait=0.5):
        pass


def test_nox_asks_whether_a_mariadb_server_listens_without_its_driver() -> None:
    """noxfile.py runs in nox's Python, which has no MariaDB driver: a socket answers."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        assert answers(f"mysql://root@127.0.0.1:{port}/")
    assert not answers(f"mysql://root@127.0.0.1:{port}/")
