"""Emulators: what the engine does with a block whose tool cannot run on this machine.

A run block marked ``emulate=NAME`` runs for real wherever the tool works. Where it
does not (``available()`` is false), ``handbook.emulators.NAME.emulate(desk, block)``
checks everything about the block that can be checked without the tool, and returns
an Outcome with status ``emulated`` (or raises Failure). The report labels it so.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from handbook.block import Block
    from handbook.desk import Desk
    from handbook.status import Outcome

__all__ = ["NAMES", "Emulator", "load", "names"]


class Emulator(Protocol):
    """The interface of an emulator module."""

    def available(self) -> bool:
        """True when the real tool works here, so blocks run for real."""

    def emulate(self, desk: Desk, block: Block) -> Outcome:
        """Check the block without the tool; status ``emulated``, or raise Failure."""


NAMES = ("audit", "docker")
"""The emulators, each a module of this package named as ``emulate=NAME`` names it
(``docker`` a package of its parts). ``lines``, which both use, is not one."""


def names() -> list[str]:
    """The emulators there are."""
    return list(NAMES)


def load(name: str) -> Emulator:
    module: ModuleType = importlib.import_module(f"{__name__}.{name}")
    return cast("Emulator", module)
