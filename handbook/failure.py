"""How a failing block is told to the reader: where, what, the block, the output."""

from __future__ import annotations

from handbook.block import Block

__all__ = ["Failure", "excerpt", "tail"]

TAIL_LINES = 40


class Failure(Exception):
    """A block did not do what the chapter says; the message is the whole report."""


def excerpt(block: Block, marked: int | None = None) -> str:
    """The block with source line numbers, the line ``marked`` (0-based) flagged."""
    rows = []
    for index, line in enumerate(block.lines):
        flag = ">" if index == marked else " "
        rows.append(f"  {flag} {line.number:>4} | {line.text}")
    return "\n".join(rows)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    """The last lines of an output, saying how many were left out."""
    all_lines = text.rstrip("\n").splitlines()
    if len(all_lines) <= lines:
        return "\n".join(all_lines)
    hidden = len(all_lines) - lines
    return "\n".join([f"[... {hidden} earlier lines ...]", *all_lines[-lines:]])
