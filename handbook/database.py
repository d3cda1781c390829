"""PostgreSQL for the chapters: one server per run, one database per chapter.

The server comes from the first provider that works:

1. ``DATABASE_URL`` from the environment: a server you already run;
2. a Docker daemon that answers: testcontainers with ``postgres:16-alpine``;
3. pgserver: PostgreSQL 16 from a wheel, started in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from handbook.docker import docker_available

__all__ = ["Database", "Server", "chapter_database", "start_server"]

IMAGE = "postgres:16-alpine"


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server the engine may create databases on."""

    url: str
    """An administrative URL (a role that may CREATE DATABASE)."""
    provider: str
    """Which provider served: DATABASE_URL, testcontainers or pgserver."""
    client_bin: str | None = None
    """Folder of client tools matching the server (pg_dump, psql), when we ship them."""

    def version(self) -> str:
        with psycopg.connect(self.url, autocommit=True) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0] if row else "unknown"


@dataclass(frozen=True)
class Database:
    """A database of a chapter's own."""

    url: str
    name: str
    server: Server

    def environment(self) -> dict[str, str]:
        """DATABASE_URL and the libpq PG* variables, for the chapter's terminal."""
        parts = urlsplit(self.url)
        env = {
            "DATABASE_URL": self.url,
            "PGHOST": unquote(parts.hostname or "") or "127.0.0.1",
            "PGPORT": str(parts.port or 5432),
            "PGUSER": unquote(parts.username or "postgres"),
            "PGDATABASE": self.name,
        }
        if parts.password:
            env["PGPASSWORD"] = unquote(parts.password)
        return env


@contextmanager
def start_server() -> Iterator[Server]:
    """The first provider that gives a server; the error names every one tried."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield Server(url, "DATABASE_URL")
    elif docker_available():
        with _testcontainers() as server:
            yield server
    else:
        with _pgserver() as server:
            yield server


@contextmanager
def chapter_database(server: Server, slug: str) -> Iterator[Database]:
    """Create a uniquely named database, and drop it however the chapter ends."""
    name = f"handbook_{slug.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database(_with_database(server.url, name), name, server)
    finally:
        with psycopg.connect(server.url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


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
    try:
        # Imported here: a missing wheel for this Python is one more provider that failed.
        from pgserver._commands import POSTGRES_BIN_PATH  # noqa: PLC0415
        from pgserver.postgres_server import get_server  # noqa: PLC0415

        server = get_server(folder, cleanup_mode="delete")
    except Exception as error:  # noqa: BLE001 (whatever failed, say what was tried)
        shutil.rmtree(folder, ignore_errors=True)
        raise LookupError(
            "no PostgreSQL server could be provided; tried: DATABASE_URL (not set), "
            f"testcontainers (no Docker daemon answers), pgserver ({error}). "
            "Set DATABASE_URL to a server you run, e.g. postgresql://postgres@127.0.0.1:5432/postgres"
        ) from None
    try:
        socket = urlsplit(server.get_uri()).query.removeprefix("host=")
        # libpq and django-environ both read a socket folder given as a %-encoded host.
        url = f"postgresql://postgres@{quote(socket, safe='')}/postgres"
        yield Server(url, "pgserver", str(POSTGRES_BIN_PATH))
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
