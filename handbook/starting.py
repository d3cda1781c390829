"""A page's starting point: its front matter, shown to the reader as the steps they take.

Front matter is hidden by MkDocs, so what a page asks of the reader's machine would be
invisible. The same lines go into the site (``site_hooks``) and into what the engine
runs (``chapter``): the reader checks their database server with the step the engine
checks it with, and sees what the page changes on their machine and how to tidy up
after stopping halfway.

The lines go just under the page's "Before you start" heading, or under its title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handbook.settings import Settings

__all__ = ["PREREQUISITES", "anchor", "starting_point"]

PREREQUISITES = "docs/prerequisites.md"
"""The page that sets up the reader's machine, which every other page starts from."""

_HEADING = "## Before you start"
_CLEANUP_REASON = "only when you stop halfway; the engine runs it after every run"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

# The same check the prerequisites page ends with, so the reader knows its answer.
_CHECKS = {
    "postgresql": (
        "PostgreSQL server",
        "prerequisites.md#your-postgresql-server",
        'psql -d postgres -Atc "SELECT rolcreatedb AND rolcreaterole'
        ' FROM pg_roles WHERE rolname = current_user"',
        "t",
        "and lets you create databases and roles (`t` is true)",
    ),
    "mariadb": (
        "MariaDB server",
        "prerequisites.md#your-postgresql-server",
        'mariadb -N -B -e "SELECT 1"',
        "1",
        "(`1`)",
    ),
}


def starting_point(settings: Settings, page: str) -> list[str]:
    """The Markdown the page's settings add for the reader (none for most settings)."""
    lines: list[str] = []
    if settings.database in _CHECKS and page != PREREQUISITES:
        lines += _server(settings.database)
    if settings.changes:
        lines += _changes(settings.changes)
    if settings.cleanup:
        lines += _cleanup(settings.cleanup)
    return lines


def anchor(texts: Sequence[str]) -> int:
    """Where the starting point goes: after "Before you start", or else after the title."""
    title: int | None = None
    fence: str | None = None
    for index, text in enumerate(texts):
        opened = _FENCE.match(text)
        if fence is not None:
            fence = None if opened and opened.group(1).startswith(fence) else fence
            continue
        if opened:
            fence = opened.group(1)
        elif text.rstrip() == _HEADING:
            return index + 1
        elif title is None and text.startswith("# "):
            title = index + 1
    return title if title is not None else 0


def _server(database: str) -> list[str]:
    name, link, command, answer, meaning = _CHECKS[database]
    return [
        "",
        f'!!! info "Your {name}"',
        f"    This page uses the {name} you set up in [Prerequisites]({link}).",
        f"    Check that it still answers {meaning}:",
        "",
        f"    <!-- handbook: run database={database} -->",
        "    ```bash",
        f"    {command}",
        "    ```",
        "",
        "    <!-- handbook: output -->",
        "    ```text",
        f"    {answer}",
        "    ```",
        "",
    ]


def _changes(changes: Sequence[str]) -> list[str]:
    items = [f"    - `{change}`" for change in changes]
    return [
        "",
        '!!! warning "This page changes your machine"',
        "    Besides the project folder, it leaves these in place, on purpose:",
        "",
        *items,
        "",
    ]


def _cleanup(cleanup: str) -> list[str]:
    return [
        "",
        '??? tip "If you stop before the end of the page"',
        "    The page removes what it starts in its last steps. If you stop earlier, run",
        "    this in the project folder to remove it anyway:",
        "",
        f'    <!-- handbook: shown reason="{_CLEANUP_REASON}" -->',
        "    ```bash",
        *(f"    {line}".rstrip() for line in cleanup.strip().split("\n")),
        "    ```",
        "",
    ]
