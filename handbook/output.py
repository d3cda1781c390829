"""Expected output: normalise, match with wildcards, show a diff, and update.

In an output block, ``...`` stands for any text: within a line it matches any
characters, and a line that is only ``...`` matches any number of lines (including
none). Use it for what changes from run to run: times, ports, paths, hashes.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["diff", "matches", "normalise", "updated"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
WILDCARD = "..."


def normalise(text: str) -> str:
    """Drop colour codes, carriage-return redraws and trailing blanks."""
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    lines = [line.rsplit("\r", 1)[-1].rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def matches(expected: str, actual: str) -> bool:
    """True when ``actual`` fits ``expected`` (both normalised first)."""
    return _pattern(normalise(expected)).fullmatch(normalise(actual) + "\n") is not None


def diff(expected: str, actual: str, where: str) -> str:
    """A unified diff from the expected output to what actually ran.

    Expected lines whose wildcards fit are shown as they ran, so only real differences
    appear in the diff.
    """
    old = normalise(expected).splitlines()
    new = normalise(actual).splitlines()
    shown = [new[i] if i < len(new) and _fits(line, new[i]) else line for i, line in enumerate(old)]
    lines = difflib.unified_diff(
        shown,
        new,
        fromfile=f"expected ({where})",
        tofile="actual",
        lineterm="",
    )
    return "\n".join(lines)


def updated(expected: str, actual: str) -> str:
    """New text for an output block: what ran, keeping expected lines that still fit.

    A wildcard line that fits the actual line at the same place is kept, so ``--update``
    does not turn every hash and time into a literal that fails on the next run.
    """
    old = normalise(expected).splitlines()
    new = normalise(actual).splitlines()
    kept = [old[i] if i < len(old) and _fits(old[i], line) else line for i, line in enumerate(new)]
    return "\n".join(kept) + "\n"


def _fits(expected_line: str, actual_line: str) -> bool:
    return _pattern(expected_line).fullmatch(actual_line + "\n") is not None


def _pattern(expected: str) -> re.Pattern[str]:
    parts: list[str] = []
    for line in expected.split("\n"):
        if line.strip() == WILDCARD:
            parts.append(r"(?:[^\n]*\n)*?")  # any number of whole lines
        else:
            pieces = (re.escape(piece) for piece in line.split(WILDCARD))
            parts.append("[^\n]*".join(pieces) + "\n")
    return re.compile("".join(parts))
