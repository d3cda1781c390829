"""MariaDB (or MySQL) for a chapter run on it: the reader's server, which you run.

The server is ``MARIADB_URL`` (default ``mysql://root@127.0.0.1:3306/``); the reader's
``~/.my.cnf`` says where it is, and the page creates its databases by visible steps.
Where no server answers, the chapter's blocks are reported as shown, with that reason.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from handbook.claim import claim_server

if TYPE_CHECKING:  # the driver is imported where it connects: noxfile.py reads the URL
    import pymysql

__all__ = [
    "DEFAULT_URL",
    "SERVER_WAIT",
    "answers",
    "client_settings",
    "mariadb_url",
    "reader_server",
    "server_version",
    "unavailable_reason",
]

DEFAULT_URL = "mysql://root@127.0.0.1:3306/"
SERVER_WAIT = 900.0
"""How long a page waits for its turn on the server (another chapter's, or the sample
project's tests on it)."""


def mariadb_url() -> str:
    return os.environ.get("MARIADB_URL", DEFAULT_URL)


def answers(url: str) -> bool:
    """True when something listens where ``url`` points (no driver needed: nox asks it)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 3306), 2):
            return True
    except OSError:
        return False


def client_settings(url: str) -> dict[str, str]:
    """The ``[client]`` settings of ``~/.my.cnf`` that take ``mariadb`` to this server."""
    parts = urlsplit(url)
    settings = {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 3306),
        "user": unquote(parts.username or "root"),
    }
    if parts.password:
        settings["password"] = unquote(parts.password)
    return settings


def server_version(url: str) -> str:
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        row = cursor.fetchone()
    return str(row[0]).split("-")[0] if row else "unknown"


def unavailable_reason(url: str) -> str | None:
    """Why no database can be made on the server at ``url``, or None when one can."""
    import pymysql  # noqa: PLC0415 (see the import above)

    try:
        _connect(url).close()
    except pymysql.MySQLError as error:
        return f"no MariaDB server answers at {_safe(url)} ({error.args[-1]}); set MARIADB_URL"
    return None


@contextmanager
def reader_server(url: str, wait: float = SERVER_WAIT) -> Iterator[list[str]]:
    """A page's turn on the reader's MariaDB server (pages that share it take turns, as
    on PostgreSQL); what it created is dropped after.

    The yielded list then names the databases the page left behind.
    """
    held = claim_server(url, wait)
    if held is None:
        raise LookupError(f"the MariaDB server stayed in use by another chapter for {wait:g}s")
    try:
        before = _databases(url)
        left: list[str] = []
        try:
            yield left
        finally:
            new = sorted(_databases(url) - before)
            with _connect(url) as connection, connection.cursor() as cursor:
                for name in new:
                    cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            left.extend(f"database {name}" for name in new)
    finally:
        held.close()


def _databases(url: str) -> frozenset[str]:
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW DATABASES")
        return frozenset(str(row[0]) for row in cursor.fetchall())


def _connect(url: str) -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
    import pymysql  # noqa: PLC0415 (see the import above)

    parts = urlsplit(url)
    return pymysql.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        connect_timeout=3,
        autocommit=True,
    )


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=f"{netloc}:{parts.port}" if parts.port else netloc))
