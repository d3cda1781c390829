"""A chapter: one page of the handbook, its settings and its blocks.

A chapter's settings live in its front matter under ``handbook:``; MkDocs hides front
matter from the reader::

    ---
    handbook:
      database: postgresql        # uses the reader's PostgreSQL (PG* in ~/.bashrc)
      timeout: 120                # default seconds per block
      cleanup: docker compose down -v   # run at the end, passed or failed
    ---
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from handbook.block import Block, find_blocks
from handbook.directive import DATABASES, Kind
from handbook.errors import ChapterError
from handbook.source import read_source

__all__ = ["Chapter", "Settings", "load_chapter"]

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


@dataclass(frozen=True)
class Chapter:
    """A page of the handbook, ready to run."""

    path: Path
    """The chapter file, relative to the repository root (``docs/setup.md``)."""
    settings: Settings
    blocks: Sequence[Block]

    @property
    def slug(self) -> str:
        return self.path.stem


def load_chapter(path: Path, root: Path, snippet_config: dict[str, Any]) -> Chapter:
    """Read a chapter and check every block and directive in it."""
    relative = path.relative_to(root) if path.is_absolute() else path
    source = read_source(root / relative, snippet_config, relative, root)
    settings = _settings(source.front_matter, relative)
    blocks = tuple(find_blocks(source, relative))
    _check_order(blocks)
    return Chapter(relative, settings, blocks)


def _settings(front_matter: str, where: Path) -> Settings:
    try:
        meta = yaml.safe_load(front_matter) if front_matter else None
    except yaml.YAMLError as error:
        raise ChapterError(f"{where}:1", f"front matter is not valid YAML: {error}") from None
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


def _check_order(blocks: Sequence[Block]) -> None:
    previous: Block | None = None
    for block in blocks:
        if block.kind is Kind.OUTPUT and (previous is None or previous.kind is not Kind.RUN):
            raise ChapterError(
                block.where(), "an output block must follow the run block whose output it is"
            )
        previous = block
