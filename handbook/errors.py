"""The engine's errors, in one place: each says where, what, and what to do.

- ChapterError: a mistake in a chapter's source, found when it is collected.
- Failure: a block did not do what its page says (its message is the whole report).
- Problem: an emulation check found what the real command would fail on.
- NotReady: a background service did not answer its probe in time.
- Lacking: a block's emulation needs a part of the machine that this one lacks.
- VersionError: a page names a version no file pins, or the pins disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handbook.needs import Need

__all__ = ["ChapterError", "Failure", "Lacking", "NotReady", "Problem", "VersionError"]


class ChapterError(Exception):
    """A mistake in a chapter's source, reported at `file:line`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Failure(Exception):
    """A block did not do what the chapter says; the message is the whole report
    (``handbook.failure.report`` builds it: the page line, the block, the output)."""


class Problem(Exception):
    """Something the real command would fail on, or that the emulation cannot do.

    The message names the file and what is wrong in it, and what to do; the emulator
    adds where in the chapter the command is.
    """


class NotReady(Exception):
    """A service did not become ready before its deadline, or exited first."""


class Lacking(Exception):
    """A part of the machine that a block's emulation needs and this machine lacks: the
    run treats it as the block's own ``needs=``, so the rest of the page is not proved
    here (or, under CI, fails), instead of failing with an install hint."""

    def __init__(self, need: Need, who: str) -> None:
        super().__init__(f"{who} needs {need.explain()}")
        self.need = need
        self.who = who


class VersionError(ValueError):
    """A page asked for a version no file pins, or the files disagree."""
