"""Expected output: normalise, match with wildcards, show a diff, and update.

In an output block, ``...`` stands for any text: within a line it matches any
characters, and a line that is only ``...`` matches any number of lines (including
none). Use it for what changes from run to run: times, ports, paths, hashes. A longer
run of dots (pre-commit's ``black.........Passed``) is literal text.
"""

from __future__ import annotations

import difflib
import functools
import re

__all__ = ["diff", "first_difference", "matches", "normalise", "updated"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
WILDCARD = "..."
# Exactly three dots: inside a dot leader they are text, and as wildcards there they
# would also make a failing match backtrack for ever.
_IN_LINE_WILDCARD = re.compile(r"(?<!\.)\.\.\.(?!\.)")


def normalise(text: str) -> str:
    """Drop colour codes, carriage-return redraws and trailing blanks."""
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    lines = [line.rsplit("\r", 1)[-1].rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def matches(expected: str, actual: str) -> bool:
    """True when ``actual`` fits ``expected`` (both normalised first).

    Line by line, by dynamic programming: ``fit[i][j]`` says whether expected lines
    ``i:`` fit actual lines ``j:``. One regular expression for the whole block would
    backtrack for minutes on a long output that does not fit.
    """
    old, new = normalise(expected).splitlines(), normalise(actual).splitlines()
    fit = [[False] * (len(new) + 1) for _ in range(len(old) + 1)]
    fit[len(old)][len(new)] = True
    for i in range(len(old) - 1, -1, -1):
        wildcard = old[i].strip() == WILDCARD
        for j in range(len(new), -1, -1):
            if wildcard:  # covers no more lines, or new[j] and maybe more
                fit[i][j] = fit[i + 1][j] or (j < len(new) and fit[i][j + 1])
            else:
                fit[i][j] = j < len(new) and fit[i + 1][j + 1] and _fits(old[i], new[j])
    return fit[0][0]


def diff(expected: str, actual: str, where: str) -> str:
    """A unified diff from the expected output to what actually ran.

    Expected lines that fit what ran (wildcards included) are shown as they ran, so only
    real differences appear in the diff.
    """
    shown: list[str] = []
    for old, new in _align(normalise(expected).splitlines(), normalise(actual).splitlines()):
        if old is not None and new is not None and _covers(old, new):
            shown.append(new)  # fits: show it as it ran
        elif old is not None and old.strip() != WILDCARD:
            shown.append(old)  # expected, and not what ran
    lines = difflib.unified_diff(
        shown,
        normalise(actual).splitlines(),
        fromfile=f"expected ({where})",
        tofile="actual",
        lineterm="",
    )
    return "\n".join(lines)


def first_difference(expected: str, actual: str) -> int:
    """The 0-based line of ``expected`` (as written, blank lines included) where what ran
    first departs from it: a line that does not fit, or the line before which lines it
    does not have appeared (the last line, when they came after it)."""
    written = expected.split("\n")
    leading = next((n for n, line in enumerate(written) if line.strip()), 0)
    index = 0
    for old, new in _align(normalise(expected).splitlines(), normalise(actual).splitlines()):
        if old is not None and (new is None or not _covers(old, new)):
            if not (new is None and old.strip() == WILDCARD):  # `...` may cover no line
                break
        elif old is None:
            break
        index += old is not None
    last = max(0, len(normalise(expected).splitlines()) - 1)
    return leading + min(index, last)


def updated(expected: str, actual: str) -> str:
    """New text for an output block: what ran, keeping expected lines that still fit.

    Lines with wildcards that still fit are kept (a ``...`` line once for the lines it
    covers), so ``--update`` does not turn every hash and time into a literal that fails
    on the next run.
    """
    kept: list[str] = []
    for old, new in _align(normalise(expected).splitlines(), normalise(actual).splitlines()):
        if old is not None and new is not None and _covers(old, new):
            if not (kept and old.strip() == WILDCARD and kept[-1] is old):
                kept.append(old)
        elif new is not None:
            kept.append(new)
    return "\n".join(kept) + "\n"


def _align(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Pair expected and actual lines, keeping as many fitting pairs as possible.

    A dynamic programme like a diff's, where "equal" is "fits". A score is (lines that
    fit, lines paired at all, lines paired although they differ): specific fits win; then
    a ``...`` line covers what is left between them, and a line that changed is paired
    with its replacement. Unpaired lines come with None on the other side.
    """
    rows, cols = len(old), len(new)
    best = [[(0, 0, 0)] * (cols + 1) for _ in range(rows + 1)]  # score of old[i:], new[j:]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            best[i][j] = max(_moves(old, new, best, i, j))
    pairs: list[tuple[str | None, str | None]] = []
    i = j = 0
    while i < rows and j < cols:
        here = best[i][j]
        wildcard = old[i].strip() == WILDCARD
        if wildcard and here == _plus(best[i][j + 1], 0, 1, 0):
            pairs.append((old[i], new[j]))
            j += 1
        elif not wildcard and here in (
            _plus(best[i + 1][j + 1], 1, 1, 0) if _fits(old[i], new[j]) else None,
            _plus(best[i + 1][j + 1], 0, 1, 1),
        ):
            pairs.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif here == best[i + 1][j]:
            pairs.append((old[i], None))
            i += 1
        else:
            pairs.append((None, new[j]))
            j += 1
    pairs += [(line, None) for line in old[i:]] + [(None, line) for line in new[j:]]
    return pairs


def _moves(
    old: list[str], new: list[str], best: list[list[tuple[int, int, int]]], i: int, j: int
) -> list[tuple[int, int, int]]:
    moves = [best[i + 1][j], best[i][j + 1]]  # drop an expected line, or an actual one
    if old[i].strip() == WILDCARD:
        moves.append(_plus(best[i][j + 1], 0, 1, 0))  # the ... line covers new[j]
    elif _fits(old[i], new[j]):
        moves.append(_plus(best[i + 1][j + 1], 1, 1, 0))
    else:
        moves.append(_plus(best[i + 1][j + 1], 0, 1, 1))  # new[j] replaced old[i]
    return moves


def _plus(
    score: tuple[int, int, int], fits: int, paired: int, changed: int
) -> tuple[int, int, int]:
    return (score[0] + fits, score[1] + paired, score[2] + changed)


def _covers(expected_line: str, actual_line: str) -> bool:
    return expected_line.strip() == WILDCARD or _fits(expected_line, actual_line)


@functools.lru_cache(maxsize=1 << 16)
def _fits(expected_line: str, actual_line: str) -> bool:
    """One line against one line; a line of only ``...`` is handled by the callers."""
    return _pattern(expected_line).fullmatch(actual_line) is not None


@functools.lru_cache(maxsize=1 << 12)
def _pattern(expected_line: str) -> re.Pattern[str]:
    pieces = (re.escape(piece) for piece in _IN_LINE_WILDCARD.split(expected_line))
    return re.compile(".*".join(pieces))
