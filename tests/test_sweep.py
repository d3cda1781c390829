"""A run killed with its watchdog (a cancelled job, a reset machine) leaves a ledger of
what it started; the next run removes all of it first and says so."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from handbook.reaper import LEDGERS
from tests.chapters import Handbook, wait_until
from tests.test_database import SERVER, needs_server

PAGE = "# A page\n\n```bash\necho hello\n```\n"


@pytest.fixture
def dead_ledger() -> Iterator[Path]:
    """A ledger named by a pid that has ended: a watchdog that was killed."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    LEDGERS.mkdir(exist_ok=True)
    ledger = LEDGERS / str(ended.pid)
    yield ledger
    ledger.unlink(missing_ok=True)


def test_a_killed_runs_folders_and_processes_are_removed_by_the_next_run(
    handbook: Handbook, dead_ledger: Path
) -> None:
    workspace = Path(tempfile.mkdtemp(prefix="handbook-killed-"))
    (workspace / "work").mkdir()
    server = subprocess.Popen(
        ["sleep", "300"], cwd=workspace / "work", start_new_session=True
    )  # a service of that run, still running in its folder
    dead_ledger.write_text(f"group {server.pid}\npath {workspace}\n")
    handbook.chapter("x", PAGE)

    result = handbook.run("docs/x.md")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*Leftover: removed what a killed run left: path {workspace}*"])
    assert not workspace.exists()
    assert server.wait(timeout=10) < 0, "the killed run's service was stopped by a signal"
    assert not dead_ledger.exists()


def test_a_process_group_working_elsewhere_is_not_the_killed_runs(
    handbook: Handbook, dead_ledger: Path
) -> None:
    """A group id outlives its run only when its processes do; one that works outside the
    run's folders is someone else's now, and left alone."""
    workspace = Path(tempfile.mkdtemp(prefix="handbook-killed-"))
    stranger = subprocess.Popen(["sleep", "300"], cwd="/", start_new_session=True)
    dead_ledger.write_text(f"group {stranger.pid}\npath {workspace}\n")
    handbook.chapter("x", PAGE)

    try:
        handbook.run("docs/x.md").assert_outcomes(passed=1)
        assert stranger.poll() is None, "a process that is not the run's was stopped"
    finally:
        stranger.kill()
        stranger.wait()
    assert not workspace.exists()


@pytest.mark.database
@needs_server
def test_a_killed_runs_databases_and_roles_are_dropped_on_its_server(
    handbook: Handbook, dead_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, role, owned = _made_on_the_server("killed")
    dead_ledger.write_text(f"database {database}\nrole {role}\n")
    monkeypatch.setenv("DATABASE_URL", SERVER)
    handbook.chapter("x", "---\nhandbook:\n  database: postgresql\n---\n" + PAGE)

    result = handbook.run("docs/x.md")

    result.assert_outcomes(passed=3)  # the front matter's steps, then the page's block
    result.stdout.fnmatch_lines([f"*dropped what a killed run left on the server: role {role}*"])
    assert _on_the_server(database, role, owned) == []
    assert not dead_ledger.exists()


@pytest.mark.database
@needs_server
def test_a_killed_runs_databases_and_roles_are_dropped_by_its_watchdog() -> None:
    """SIGKILL gives the engine no say: its watchdog drops what the run made on the
    DATABASE_URL server (with the databases the reader's role owns) as soon as it dies."""
    database, role, owned = _made_on_the_server("watched")
    engine = subprocess.Popen(
        [sys.executable, "-c", _WATCHING.format(database=database, role=role)],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DATABASE_URL": SERVER},
    )
    try:
        recorded = wait_until(lambda: _in_a_ledger(f"role {role}"), timeout=30)
        assert recorded, "the run never told its watchdog"
    finally:
        engine.kill()
        engine.wait()

    def left() -> list[str]:
        return _on_the_server(database, role, owned)

    assert wait_until(lambda: not left(), timeout=30), f"left on the server: {left()}"
    assert wait_until(lambda: not _in_a_ledger(f"role {role}"), timeout=10)


@pytest.mark.database
@needs_server
def test_what_a_killed_page_made_in_its_turn_is_dropped_by_its_watchdog() -> None:
    """A page makes a role by a visible step (CREATE ROLE shop_app); SIGKILL before its
    turn ends gives the engine no say, and the watchdog drops what appeared in the turn."""
    role = f"page_made_{os.getpid()}"
    engine = subprocess.Popen(
        [sys.executable, "-c", _IN_A_TURN.format(role=role)],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DATABASE_URL": SERVER},
    )
    try:
        made = wait_until(lambda: bool(_on_the_server("-", role, "-")), timeout=30)
        assert made, "the page never made its role"
    finally:
        engine.kill()
        engine.wait()

    assert wait_until(lambda: not _on_the_server("-", role, "-"), timeout=30), role
    assert wait_until(lambda: not _in_a_ledger("turn ", prefix=True), timeout=10)


_IN_A_TURN = """
import os, time, psycopg
from handbook.database import Server, reader_server
with reader_server(Server(os.environ["DATABASE_URL"], "DATABASE_URL")):
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("CREATE ROLE {role}")
    time.sleep(300)
"""
_WATCHING = """
import time
from handbook import reaper
reaper.watch("database", "{database}")
reaper.watch("role", "{role}")
time.sleep(300)
"""


def _made_on_the_server(run: str) -> tuple[str, str, str]:
    """A database and a role as a run makes them on SERVER, and a database the role owns
    (the page made it as the reader's role)."""
    database, role = f"handbook_{run}_{os.getpid()}", f"reader_{run}_{os.getpid()}"
    owned = f"{role}_own"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE ROLE {} CREATEDB").format(sql.Identifier(role)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(owned), sql.Identifier(role)
            )
        )
    return database, role, owned


def _on_the_server(database: str, role: str, owned: str) -> list[str]:
    """Which of those are still on SERVER."""
    with psycopg.connect(SERVER, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname IN (%s, %s) "
            "UNION SELECT rolname FROM pg_roles WHERE rolname = %s",
            (database, owned, role),
        ).fetchall()
    return [name for (name,) in rows]


def _in_a_ledger(line: str, *, prefix: bool = False) -> bool:
    """A live or dead run's ledger has ``line`` (or a line starting so, with ``prefix``)."""
    for ledger in LEDGERS.glob("[0-9]*"):
        with contextlib.suppress(OSError):
            lines = ledger.read_text().splitlines()
            if any(text == line or (prefix and text.startswith(line)) for text in lines):
                return True
    return False
