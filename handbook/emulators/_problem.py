"""What an emulation check raises: one message that names the cause and the fix."""

from __future__ import annotations

__all__ = ["Problem"]


class Problem(Exception):
    """Something the real command would fail on, or that the emulation cannot do.

    The message names the file and what is wrong in it, and what to do; the emulator
    adds where in the chapter the command is.
    """
