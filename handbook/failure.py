"""How a failing block is told to the reader: where, what, the block, the output."""

from __future__ import annotations

from handbook.block import Block
from handbook.errors import Failure

__all__ = ["Failure", "excerpt", "report", "tail"]

TAIL_LINES = 40


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


def report(
    block: Block, problem: str, marked: int | None = None, output: str = "", logs: str = ""
) -> str:
    """A failure's whole report: the page line (of line ``marked``, 0-based, or the
    block's first), the problem, the block, the output's tail and the services' logs."""
    where = block.where(marked) if marked is not None else block.where()
    parts = [f"{where}: {problem}", excerpt(block, marked)]
    if output.strip():
        parts += ["--- output ---", tail(output)]
    if logs:
        parts.append(logs)
    return "\n".join(parts)
