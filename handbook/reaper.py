"""Nothing the engine starts outlives it, even when it is killed outright.

A watchdog process (this file, run as a script, standard library only) is started with
the first thing to watch. The engine tells it, one line each, what it starts and what it
has cleaned up itself::

    watch group 4242            a process group: a block, a service
    watch postgres /tmp/x       a PostgreSQL data folder: its server, then the folder
    watch path /tmp/x           a folder
    forget group 4242           (and forget postgres / forget path)

When the engine's end of the pipe closes, however the engine ended (its own exit, an
exception, SIGKILL from nox or a cancelled CI job), the watchdog stops and removes
whatever is still watched. It runs in a session of its own and ignores Ctrl-C, so the
signal that stops a run does not stop it first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = ["forget", "watch"]

_GRACE = 3.0


class _Watchdog:
    """The engine's end: starts the watchdog on first use, then tells it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipe: IO[str] | None = None
        self._pid: int | None = None

    def tell(self, line: str) -> None:
        with self._lock:
            if self._pipe is None or self._pid != os.getpid():  # first use, or a fork
                self._pipe = _start()
                self._pid = os.getpid()
            try:
                self._pipe.write(line + "\n")
                self._pipe.flush()
            except BrokenPipeError:
                self._pipe = None  # it died: the next line starts another


_WATCHDOG = _Watchdog()


def watch(kind: str, what: int | str | Path) -> None:
    """Stop or remove ``what`` if the engine ends before it forgets it: kind is group,
    postgres or path."""
    _WATCHDOG.tell(f"watch {kind} {what}")


def forget(kind: str, what: int | str | Path) -> None:
    """The engine stopped or removed ``what`` itself."""
    _WATCHDOG.tell(f"forget {kind} {what}")


def _start() -> IO[str]:
    process = subprocess.Popen(
        [sys.executable, __file__],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    assert process.stdin is not None
    return process.stdin


# --- The watchdog's end -----------------------------------------------------------------


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watched: dict[str, set[str]] = {"group": set(), "postgres": set(), "path": set()}
    for line in sys.stdin:
        verb, kind, what = line.rstrip("\n").split(" ", 2)
        (watched[kind].add if verb == "watch" else watched[kind].discard)(what)
    for folder in watched["postgres"]:
        _stop_postgres(Path(folder))
    for group in watched["group"]:
        _stop_group(int(group))
    for folder in (*watched["postgres"], *watched["path"]):
        shutil.rmtree(folder, ignore_errors=True)


def _stop_group(pgid: int) -> None:
    _stop(lambda sig: os.killpg(pgid, sig), signal.SIGTERM)


def _stop_postgres(folder: Path) -> None:
    """SIGQUIT to the postmaster: PostgreSQL's immediate shutdown, its backends included."""
    try:
        pid = int((folder / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return
    _stop(lambda sig: os.kill(pid, sig), signal.SIGQUIT)


def _stop(send: Callable[[int], None], first: signal.Signals) -> None:
    """Send ``first``, then SIGKILL to what is still there after the grace period."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # gone: done
        send(first)
        deadline = time.monotonic() + _GRACE
        while time.monotonic() < deadline:
            send(0)
            time.sleep(0.05)
        send(signal.SIGKILL)


if __name__ == "__main__":
    main()
