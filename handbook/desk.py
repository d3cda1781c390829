"""What an evaluator may use: the reader's desk, as one block sees it.

An evaluator (``evaluators.py``) or an emulator (``emulators/``) is given the block and
a :class:`Desk`, and nothing else: the terminal, the services running beside it, the
workspace, the output of the last command, the block's time limit. The chapter's run
(``run.py``, :class:`~handbook.run.ChapterRun`) is one; it depends on the evaluators,
never they on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from handbook.block import Block
    from handbook.service import Services
    from handbook.status import Outcome
    from handbook.terminal import Terminal
    from handbook.workspace import Workspace

__all__ = ["Desk", "Evaluator"]


class Desk(Protocol):
    """The terminal, services and workspace of a chapter's run, for one block at a time."""

    terminal: Terminal
    services: Services
    workspace: Workspace
    last_output: str | None
    """The output of the last run block: what an output block is compared with."""

    @property
    def updating(self) -> bool:
        """True under ``--update``: an output block that differs is rewritten from the run."""

    def cwd(self) -> Path:
        """The terminal's working folder, as the last block left it."""

    def timeout(self, block: Block) -> float:
        """Seconds the block may take."""

    def rewrite(self, block: Block, text: str) -> None:
        """Rewrite the block on its page when the run ends (``--update``)."""

    def stand_in_database(self) -> str | None:
        """A database on the reader's server for a container's (Docker emulated)."""


Evaluator = Callable[["Desk", "Block"], "Outcome"]
"""What a kind of block does when its turn comes."""
