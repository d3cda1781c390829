"""PostgreSQL for the chapters: one server per run, one database per chapter.

The server comes from the first provider that works:

1. ``DATABASE_URL`` from the environment: a server you already run;
2. a Docker daemon that answers: testcontainers with ``postgres:16-alpine``;
3. pgserver: PostgreSQL 16 from a wheel, started in a temporary folder.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from handbook import reaper
from handbook.claim import claim_server
from handbook.daemon import docker_available
from handbook.reaper import Leftover

__all__ = [
    "Database",
    "Server",
    "chapter_database",
    "drop",
    "main",
    "reader_role",
    "reader_server",
    "start_server",
    "without_password",
]

IMAGE = "postgres:16-alpine"
SERVER_WAIT = 900.0
"""Seconds a page waits for its turn on a server another chapter is using."""


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server the engine may create databases on."""

    url: str
    """An administrative URL (a role that may CREATE DATABASE)."""
    provider: str
    """Which provider served: DATABASE_URL, testcontainers or pgserver."""
    client_bin: str | None = None
    """Folder of client tools matching the server (pg_dump, psql), when we ship them."""
    reader: tuple[str, str] | None = None
    """The reader's own role and password (see :func:`reader_role`), when there is one."""

    def version(self) -> str:
        with psycopg.connect(self.url, autocommit=True) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0] if row else "unknown"

    def client_environment(self) -> dict[str, str]:
        """The libpq variables that take ``psql``, ``createdb`` and ``pg_dump`` to this
        server as this role: what a reader's profile holds for their own server."""
        parts = urlsplit(self.url)
        folder = parse_qs(parts.query).get("host", [""])[0]
        user, password = self.reader or (unquote(parts.username or "postgres"), parts.password)
        env = {
            "PGHOST": unquote(parts.hostname or "") or folder or "127.0.0.1",
            "PGPORT": str(parts.port or 5432),
            "PGUSER": user,
        }
        if password:
            env["PGPASSWORD"] = unquote(password)
        return env

    def contents(self) -> tuple[frozenset[str], frozenset[str]]:
        """The server's databases and roles, by name."""
        with psycopg.connect(self.url, autocommit=True) as connection:
            databases = connection.execute("SELECT datname FROM pg_database").fetchall()
            roles = connection.execute("SELECT rolname FROM pg_roles").fetchall()
        return frozenset(row[0] for row in databases), frozenset(row[0] for row in roles)


@dataclass(frozen=True)
class Database:
    """A database of a chapter's own."""

    url: str
    name: str
    server: Server


@contextmanager
def reader_role(server: Server) -> Iterator[Server]:
    """The server, with a role of the reader's own: what the prerequisites page asks of a
    reader's role (log in, create databases and roles) and no more, not a superuser.
    Dropped afterwards, with whatever it still owns."""
    name, password = f"reader_{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(16)
    _record(server, "role", name)
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEDB CREATEROLE PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
    try:
        yield dataclasses.replace(server, reader=(name, password))
    finally:
        drop(server.url, "role", name)
        _forget(server, "role", name)


def drop(url: str, kind: str, name: str) -> None:
    """Drop a database, or a role with the databases it owns and everything else it owns;
    or, for a page's ``turn`` (``name``: what the server had before it), what appeared
    since, in a turn of its own."""
    if kind == "turn":
        _drop_since(url, json.loads(name))
        return
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        if kind == "role":
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
            if exists.fetchone() is None:
                return
            owned = connection.execute(
                "SELECT datname FROM pg_database d JOIN pg_roles r ON d.datdba = r.oid "
                "WHERE r.rolname = %s",
                (name,),
            ).fetchall()
            for (database,) in owned:
                _drop_database(connection, database)
            connection.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        else:
            _drop_database(connection, name)


def _drop_since(url: str, before: dict[str, list[str]]) -> None:
    """What a killed page made on the server: what is there now and was not ``before``.
    Pages take turns on a server, so once this holds the turn, nothing else is making
    any; a turn not given raises, and the ledger keeps it for the next run."""
    held = claim_server(url, wait=60)
    if held is None:
        raise LookupError(f"{without_password(url)} stayed in use")
    with held:
        databases, roles = Server(url, "DATABASE_URL").contents()
        for name in sorted(databases - set(before["databases"])):
            drop(url, "database", name)
        for name in sorted(roles - set(before["roles"])):
            drop(url, "role", name)


def _drop_database(connection: psycopg.Connection[Any], name: str) -> None:
    connection.execute(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def _record(server: Server, kind: str, name: str) -> None:
    """Databases and roles on the user's own server outlive a killed run: the ledger keeps
    their names for the next run there (reaper.sweep_server). Others die with their server."""
    if server.provider == "DATABASE_URL":
        reaper.watch(kind, name)


def _forget(server: Server, kind: str, name: str) -> None:
    if server.provider == "DATABASE_URL":
        reaper.forget(kind, name)


@contextmanager
def reader_server(server: Server, wait: float = SERVER_WAIT) -> Iterator[list[str]]:
    """A page's turn on the reader's server, and the server as it was afterwards.

    Pages create their own databases and roles by visible steps (``createdb``), with
    names a reader would choose, so pages that share a server take turns on it (a claim
    in Linux's abstract socket namespace, released however the process ends). When the
    page ends, whatever it created and left is dropped; the yielded list then names it,
    so the run can say what the page left on the reader's server.
    """
    held = claim_server(server.url, wait)
    if held is None:
        raise LookupError(f"the PostgreSQL server stayed in use by another chapter for {wait:g}s")
    try:
        databases, roles = server.contents()
        # If the run is killed, its watchdog drops what the page made (reaper.py).
        turn = json.dumps({"databases": sorted(databases), "roles": sorted(roles)})
        _record(server, "turn", turn)
        left: list[str] = []
        try:
            yield left
        finally:
            left.extend(_drop_new(server, databases, roles))
            _forget(server, "turn", turn)
    finally:
        held.close()


@contextmanager
def start_server() -> Iterator[Server]:
    """The first provider that gives a server; the error names every one tried."""
    url = os.environ.get("DATABASE_URL")
    if url:
        _check_answers(url)
        for line in reaper.sweep_server(lambda kind, name: drop(url, kind, name)):
            message = f"dropped what a killed run left on the server: {line}"
            warnings.warn(message, Leftover, stacklevel=1)
        yield Server(url, "DATABASE_URL")
    elif docker_available():
        with _testcontainers() as server:
            yield server
    else:
        with _pgserver() as server:
            yield server


def _check_answers(url: str) -> None:
    """A server given by DATABASE_URL answers, or the error says which and what to do."""
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LookupError(
            f"DATABASE_URL={without_password(url)} does not answer ({reason}). Start that "
            "server or correct the URL; or unset DATABASE_URL, and the engine starts a "
            "PostgreSQL of its own: in Docker where a daemon answers, else from a wheel "
            "(pgserver)"
        ) from None


def without_password(url: str) -> str:
    """The URL with its password, if any, as ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@contextmanager
def chapter_database(server: Server, slug: str) -> Iterator[Database]:
    """Create a uniquely named database, and drop it however the chapter ends."""
    name = f"handbook_{slug.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    _record(server, "database", name)
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database(_with_database(server.url, name), name, server)
    finally:
        drop(server.url, "database", name)
        _forget(server, "database", name)


def _drop_new(server: Server, databases: frozenset[str], roles: frozenset[str]) -> list[str]:
    """Drop the databases and roles made since ``databases`` and ``roles``; their names."""
    now_databases, now_roles = server.contents()
    new_databases = sorted(now_databases - databases)
    new_roles = sorted(now_roles - roles)
    with psycopg.connect(server.url, autocommit=True) as connection:
        for name in new_databases:
            _drop_database(connection, name)
        for name in new_roles:
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
    return [f"database {name}" for name in new_databases] + [f"role {name}" for name in new_roles]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def _testcontainers() -> Iterator[Server]:
    from testcontainers.postgres import PostgresContainer  # noqa: PLC0415 (needs Docker)

    with PostgresContainer(IMAGE, driver=None) as container:
        yield Server(container.get_connection_url(), "testcontainers")


@contextmanager
def _pgserver() -> Iterator[Server]:
    folder = tempfile.mkdtemp(prefix="handbook-pgserver-")
    reaper.watch("postgres", folder)
    try:
        # Imported here: a missing wheel for this Python is one more provider that failed.
        from pgserver._commands import POSTGRES_BIN_PATH  # noqa: PLC0415
        from pgserver.postgres_server import get_server  # noqa: PLC0415

        with _said_by("pgserver") as said:
            server = get_server(folder, cleanup_mode="delete")
    except Exception as error:  # noqa: BLE001 (whatever failed, say what was tried)
        shutil.rmtree(folder, ignore_errors=True)
        reaper.forget("postgres", folder)
        raise LookupError(
            "no PostgreSQL server could be provided; tried: DATABASE_URL (not set), "
            "testcontainers (no Docker daemon answers), "
            f"pgserver ({str(error).rstrip('.')}{said()}). "
            "Set DATABASE_URL to a server you run, e.g. postgresql://postgres@127.0.0.1:5432/postgres"
        ) from None
    try:
        socket = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
        # A socket folder as the `host` query parameter: libpq and django-environ read it.
        url = f"postgresql://postgres@/postgres?host={quote(socket)}"
        yield Server(url, "pgserver", str(POSTGRES_BIN_PATH))
    finally:
        # pgserver stops its server only when its list of handles names this process
        # alone, and removes the folder, and with it the postmaster's pid. Whatever it
        # did, the postmaster read before is stopped, then the folder removed.
        pid = reaper.postmaster(Path(folder))
        try:
            server.cleanup()
        finally:
            if pid is None or reaper.stop_postmaster(pid):
                reaper.remove(folder, "postgres")
            # Else the watchdog stops and removes it when the run ends.


@contextmanager
def _said_by(logger: str) -> Iterator[Callable[[], str]]:
    """What ``logger`` logs as errors meanwhile (pgserver logs a failed command's stderr
    there, and raises an error that names only the command)."""
    errors: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: errors.append(record.getMessage())  # type: ignore[method-assign]

    def said() -> str:
        stderr = errors[-1].rpartition("stderr:")[2].strip(" -\n") if errors else ""
        return f"; it said: {stderr}" if stderr else ""

    logging.getLogger(logger).addHandler(handler)
    try:
        yield said
    finally:
        logging.getLogger(logger).removeHandler(handler)


def main(argv: list[str] | None = None) -> int:
    """``python -m handbook.database NAME COMMAND...``: run COMMAND on a fresh database.

    The database comes from the provider chain above, is named after NAME, is given to
    COMMAND as DATABASE_URL, and is dropped afterwards. The sample project's tests use it.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m handbook.database NAME COMMAND [ARG...]", file=sys.stderr)
        return 2
    name, command = args[0], args[1:]
    with start_server() as server, chapter_database(server, name) as database:
        print(f"handbook.database: {server.provider}, PostgreSQL {server.version()}", flush=True)
        env = {**os.environ, "DATABASE_URL": database.url}
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
