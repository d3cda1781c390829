"""Process groups the engine starts: each command in a session of its own, known to the
watchdog before it runs, interrupted or stopped as one.

A command is started behind a gate: a ``bash`` that waits on a pipe from the engine,
then ``exec``s the command. The engine tells the watchdog the group first and opens
the gate after; if the engine dies in between (SIGKILL), the pipe closes and the
command never runs. Without the gate, a command started just before the engine was
killed ran on, in a group nobody knew of (a faults run found a gunicorn so).
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from typing import Any

import sh

from handbook import reaper

__all__ = ["interrupt", "kill", "start"]


def start(argv: list[str], **options: Any) -> sh.RunningCommand:
    """Start ``argv`` in the background, in a new session, watched; its program is found
    on the engine's PATH; ``options`` are sh's (``_env``, ``_cwd``, ``_out``...)."""
    program = shutil.which(argv[0]) or argv[0]
    gate, opening = os.pipe()
    os.set_inheritable(gate, True)  # sh passes it only so; every other fd it closes
    try:
        process: sh.RunningCommand = sh.bash(
            "-c",
            f'read -r -u {gate} go || exit 1; exec {gate}<&- "$@"',
            "gate",
            program,
            *argv[1:],
            _pass_fds={gate},
            _new_session=True,
            _bg=True,
            **options,
        )
    except BaseException:
        os.close(opening)
        raise
    finally:
        os.close(gate)
    try:
        reaper.watch("group", process.pid)  # its own session: pid and group are one
        os.write(opening, b"go\n")
    finally:
        os.close(opening)
    return process


def interrupt(pgid: int, grace: float) -> bool:
    """Ctrl+C: SIGINT to a process group; True when it has ended within ``grace`` seconds."""
    try:
        os.killpg(pgid, signal.SIGINT)
    except (ProcessLookupError, PermissionError):
        return True
    deadline = time.monotonic() + grace
    while reaper.group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    reaper.forget("group", pgid)
    return True


def kill(pgid: int, grace: float = 0.0) -> None:
    """Stop a process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    _kill(pgid, grace)
    reaper.forget("group", pgid)


def _kill(pgid: int, grace: float) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not reaper.group_alive(pgid):
                return
            time.sleep(0.05)
