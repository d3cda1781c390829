"""The commands of an emulated block, how the ones no emulator handles run, and the
block's deadline.

Both emulators read a block the same way: its commands, with continuation lines
joined and comments left out; each emulated command alone, the other commands of a
run together, typed into the chapter's terminal as the reader would; all of them
within the block's timeout, one :class:`Deadline` counted from the block's start.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handbook.errors import Problem
from handbook.failure import Failure, report

if TYPE_CHECKING:
    from handbook.block import Block
    from handbook.desk import Desk

__all__ = [
    "Command",
    "Deadline",
    "chunks",
    "commands",
    "failure",
    "ran_for_real",
    "run_in_terminal",
]


@dataclass(frozen=True)
class Deadline:
    """When the block's time is up (its timeout, counted from the block's start)."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def left(self, what: str) -> float:
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise Problem(f"{what}: timed out after {self.seconds:g}s (set timeout=N on the block)")
        return remaining


@dataclass(frozen=True)
class Command:
    """A command of a block."""

    index: int
    """Its first line in the block (0-based)."""
    text: str
    emulated: str = ""
    """How the emulator stands in for it (``no Docker daemon``); empty: it runs for real."""


def commands(block: Block) -> list[tuple[int, str]]:
    """``(first line, text)`` of each command, continuation lines joined, comments and
    blank lines left out."""
    found: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for index, line in enumerate(block.lines):
        start, text = pending if pending else (index, "")
        text += line.text
        if text.endswith("\\"):
            pending = (start, text[:-1] + " ")
            continue
        pending = None
        if text.strip() and not text.lstrip().startswith("#"):
            found.append((start, text))
    if pending:
        found.append(pending)
    return found


def chunks[T: Command](items: Sequence[T]) -> list[list[T]]:
    """Each emulated command alone; consecutive other commands together (one snippet)."""
    grouped: list[list[T]] = []
    for item in items:
        if grouped and not item.emulated and not grouped[-1][0].emulated:
            grouped[-1].append(item)
        else:
            grouped.append([item])
    return grouped


def run_in_terminal(
    desk: Desk, block: Block, chunk: Sequence[Command], deadline: Deadline, code: str = ""
) -> str:
    """Type ``code`` (by default the chunk's commands) into the chapter's terminal; its
    output, or Failure naming the command that failed."""
    code = code or "".join(item.text + "\n" for item in chunk)
    try:
        result = desk.terminal.run(code, deadline.left(block.where(chunk[0].index)))
    except Problem as problem:
        raise failure(desk, block, chunk[0], str(problem)) from None
    if result.timed_out or result.status != 0:
        failed = chunk[min(len(chunk), result.failed_line or 1) - 1]
        how = "timed out" if result.timed_out else f"exit status {result.status}"
        raise failure(desk, block, failed, f"command failed ({how})", result.output)
    return result.output


def failure(desk: Desk, block: Block, command: Command, problem: str, output: str = "") -> Failure:
    """The failure of one command: its page line, the command (and how it was emulated),
    the problem, the block, the output and the services' logs."""
    how = f" (emulated: {command.emulated})" if command.emulated else ""
    said = f"`{command.text.strip()}`{how}: {problem}"
    return Failure(report(block, said, command.index, output, desk.services.logs()))


def ran_for_real(chunk: Sequence[Command]) -> str:
    """The report's note for commands that ran as they are."""
    more = f" (and {len(chunk) - 1} more lines)" if len(chunk) > 1 else ""
    return f"`{chunk[0].text.strip()}`{more} ran for real"
