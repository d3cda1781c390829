"""How a block, or a chapter run, ended: one word for each, as the report writes it, and
a block's Outcome (its status and why).

The engine (run, evaluators, emulators, plugin) and the readers of the report (report,
summary, site macros, drift, canary) use these members; the report holds their values,
and a value read back from it compares equal to its member (``Status.PASSED ==
"passed"``). Standard library only, and Python 3.10: the summary runs in nox's Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Outcome", "Status"]


class Status(str, Enum):
    """A block's status; a chapter run's is one of passed, failed and not proved."""

    PASSED = "passed"
    FAILED = "failed"
    EMULATED = "emulated"
    """Run against an emulator (its tool does not work here), labelled so on the report."""
    SHOWN = "shown"
    """Not run, with the reason its directive gives (or a database it is not for)."""
    NOT_RUN = "not run"
    """After a failed block: the page stops where a reader would."""
    NOT_PROVED = "not proved"
    """This machine lacks a part the block, or one before it, needs (handbook/needs.py)."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Outcome:
    """How a block ended, when it did not fail (a failure raises handbook.failure.Failure)."""

    status: Status
    """passed, shown, emulated or not proved (this machine lacks what the block needs)."""
    reason: str | None = None
