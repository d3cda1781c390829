"""A page's settings: what its front matter asks of the engine and of the reader's machine.

They live in the front matter under ``handbook:``; MkDocs hides front matter, so what
concerns the reader is shown on the page too (``handbook.starting``)::

    ---
    handbook:
      database: postgresql        # uses the reader's PostgreSQL (PG* in ~/.bashrc)
      timeout: 120                # default seconds per block
      cleanup: docker compose down -v   # run at the end, passed or failed
    ---

No third-party imports: the site's hooks read them too, in the docs environment.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from handbook.directive import DATABASES
from handbook.errors import ChapterError

__all__ = ["DEFAULT_TIMEOUT", "Settings", "settings_from"]

DEFAULT_TIMEOUT = 60


@dataclass(frozen=True)
class Settings:
    """What a chapter asks of the engine."""

    database: str | None = None
    """The reader's database server the page uses: postgresql, sqlite or mariadb
    (``--database`` runs the chapter on another one). Its profile says where the server
    is; the page creates its databases itself, by steps the reader sees."""
    timeout: int = DEFAULT_TIMEOUT
    """Default timeout of a block, in seconds."""
    changes: tuple[str, ...] = ()
    """What the page changes on the reader's machine and tells the reader so: ``~/path``
    in HOME, ``database NAME`` or ``role NAME`` on their server. Anything else it changes
    fails the page."""
    cleanup: str | None = None
    """Commands run when the chapter ends, passed, failed or interrupted: for what outlives
    the terminal (containers, roles on a shared server). They run in the starting folder,
    before services stop and the database is dropped, and must be safe to run twice."""


def settings_from(meta: Any, where: Path) -> Settings:
    """The ``handbook:`` settings of a page's parsed front matter, checked."""
    raw = (meta or {}).get("handbook") or {}
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ChapterError(
            f"{where}:1",
            f"unknown handbook setting(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})",
        )
    if raw.get("database") not in (None, *DATABASES):
        raise ChapterError(f"{where}:1", f"handbook.database takes one of {', '.join(DATABASES)}")
    changes = raw.get("changes", ())
    if isinstance(changes, str) or not all(isinstance(c, str) for c in changes):
        raise ChapterError(f"{where}:1", "handbook.changes takes a list of strings")
    return Settings(**{**raw, "changes": tuple(changes)})
