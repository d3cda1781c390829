"""MariaDB (or MySQL) for a chapter run on it: a database of its own on a server you run.

The server is ``MARIADB_URL`` (default ``mysql://root@127.0.0.1:3306/``). Where none
answers, the chapter's blocks are reported as shown, with that reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

import pymysql

__all__ = ["MariaDB", "mariadb_database", "mariadb_url", "unavailable_reason"]

DEFAULT_URL = "mysql://root@127.0.0.1:3306/"


def mariadb_url() -> str:
    return os.environ.get("MARIADB_URL", DEFAULT_URL)


@dataclass(frozen=True)
class MariaDB:
    """A database of a chapter's own on the MariaDB server."""

    url: str
    name: str
    version: str

    def environment(self) -> dict[str, str]:
        """DATABASE_URL and the variables the mariadb/mysql client reads."""
        parts = urlsplit(self.url)
        env = {
            "DATABASE_URL": self.url,
            "MYSQL_HOST": parts.hostname or "127.0.0.1",
            "MYSQL_TCP_PORT": str(parts.port or 3306),
        }
        if parts.password:
            env["MYSQL_PWD"] = unquote(parts.password)
        return env


def unavailable_reason(url: str) -> str | None:
    """Why no database can be made on the server at ``url``, or None when one can."""
    try:
        _connect(url).close()
    except pymysql.MySQLError as error:
        return f"no MariaDB server answers at {_safe(url)} ({error.args[-1]}); set MARIADB_URL"
    return None


@contextmanager
def mariadb_database(url: str, slug: str) -> Iterator[MariaDB]:
    """Create a uniquely named database, and drop it however the chapter ends."""
    name = f"handbook_{slug.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        cursor.execute("SELECT VERSION()")
        row = cursor.fetchone()
    version = str(row[0]).split("-")[0] if row else "unknown"
    try:
        yield MariaDB(urlunsplit(urlsplit(url)._replace(path="/" + name)), name, version)
    finally:
        with _connect(url) as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def _connect(url: str) -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
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
