"""The reader's machine: what every page's terminal starts from, defined once.

After the prerequisites page a reader has the tools it checks, and a HOME of their own:

- a git identity in ``~/.gitconfig`` (no page sets one);
- a shell profile, ``~/.bashrc``, that a new terminal reads; when the page uses the
  reader's PostgreSQL server, it holds the ``PG*`` variables that tell ``psql``,
  ``createdb`` and ``pg_dump`` where that server is (the engine's provider stands in
  for it), and for MariaDB ``~/.my.cnf`` does the same for the ``mariadb`` client;
- a file of their own, which no page may touch.

Nothing else is pre-set: no ``DATABASE_URL``, no database, no project. A page gets those
by steps the reader sees. ``docs/prerequisites.md`` shows this machine (its macros read
it from here), and the engine checks after each page that HOME is as it was, apart from
caches and what the page declares it changes (``handbook.changes`` in its front matter).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["READER", "Reader", "home_changes", "prepare_home", "snapshot"]

CACHES = (".cache",)
"""Folders of HOME that tools fill as they please (pip, uv, pre-commit): never compared."""


@dataclass(frozen=True)
class Reader:
    """Who the reader is on their machine."""

    name: str = "Ada Lovelace"
    email: str = "ada@example.com"
    own_file: str = "notes.txt"
    """A file of the reader's own in HOME: a page must leave it alone."""
    own_text: str = "My own notes: not the handbook's to touch.\n"

    def gitconfig(self) -> str:
        return f"[user]\n\tname = {self.name}\n\temail = {self.email}\n"

    def bashrc(self, variables: Mapping[str, str]) -> str:
        """The profile: the reader's own lines, and where their database server is."""
        lines = ["# ~/.bashrc: read by every new terminal", "export EDITOR=nano"]
        if variables:
            lines.append("# Where my database server is (psql, createdb, pg_dump read these)")
            lines += [f"export {name}={_quote(value)}" for name, value in variables.items()]
        return "\n".join(lines) + "\n"


READER = Reader()


def prepare_home(
    home: Path, postgresql: Mapping[str, str], mariadb: Mapping[str, str] | None = None
) -> None:
    """Lay out the reader's HOME: identity, profile, their own file, client settings."""
    (home / ".gitconfig").write_text(READER.gitconfig())
    (home / ".bashrc").write_text(READER.bashrc(postgresql))
    (home / ".profile").write_text("[ -f ~/.bashrc ] && . ~/.bashrc\n")
    (home / READER.own_file).write_text(READER.own_text)
    if mariadb:
        client = "".join(f"{key} = {value}\n" for key, value in mariadb.items())
        (home / ".my.cnf").write_text(f"[client]\n{client}")


def snapshot(home: Path) -> dict[str, str]:
    """Every file, folder and link under HOME but the caches: relative path -> fingerprint."""
    found: dict[str, str] = {}
    for path in sorted(home.rglob("*")):
        relative = path.relative_to(home)
        if relative.parts[0] in CACHES:
            continue
        if path.is_symlink():
            found[str(relative)] = f"link to {path.readlink()}"
        elif path.is_dir():
            found[str(relative)] = "folder"
        elif path.is_file():
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def home_changes(
    before: Mapping[str, str], after: Mapping[str, str], declared: Iterable[str] = ()
) -> list[str]:
    """What a page changed in HOME that it did not declare, one line each (``~/x: added``)."""
    allowed = [entry.removeprefix("~/").rstrip("/") for entry in declared]
    changed = []
    for path in sorted(before.keys() | after.keys()):
        if any(path == entry or path.startswith(entry + "/") for entry in allowed):
            continue
        if path not in before:
            changed.append(f"~/{path}: added")
        elif path not in after:
            changed.append(f"~/{path}: removed")
        elif before[path] != after[path]:
            changed.append(f"~/{path}: changed")
    return changed


def _quote(value: str) -> str:
    """A value as the reader would write it in a profile: quoted only when it must be."""
    safe = value and all(c.isalnum() or c in "/._-:@" for c in value)
    return value if safe else "'" + value.replace("'", "'\\''") + "'"
