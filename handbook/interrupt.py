"""Ctrl-C and SIGTERM: an interrupted run stops, tears down, and ends, always.

Either signal raises KeyboardInterrupt in the engine, and pytest's teardown stops the
services, drops the databases and removes the workspace, in a few seconds. Two things
could keep a run going; both are bounded here:

- Python ignores an exception raised while a ``__del__`` or a weakref callback runs,
  so a Ctrl-C that lands there would be lost. The interrupt is remembered: the next
  block does not start (:func:`check`).
- Should the teardown wait longer than :data:`DEADLINE`, the run prints where each
  thread waits and exits; the reaper (``handbook/reaper.py``), which watches the engine
  from a process of its own, stops and removes what it had started, as after SIGKILL.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading

__all__ = ["DEADLINE", "MESSAGE", "check", "install", "start_deadline"]

DEADLINE = 90.0
"""Seconds the teardown may take: far above a normal one, below faults' 120."""
MESSAGE = "handbook: the clean-up after the interrupt is still going"
_received = threading.Event()


def install() -> None:
    """SIGTERM ends a run as Ctrl-C does. SIGINT is left alone where it is ignored (a
    background job of a shell), as Python itself leaves it."""
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)


def check() -> None:
    """Raise KeyboardInterrupt again if one was raised before and lost."""
    if _received.is_set():
        raise KeyboardInterrupt("interrupted earlier")


def start_deadline(seconds: float = DEADLINE) -> None:
    """Start the teardown's clock, once per run: at the first interrupt."""
    if _received.is_set():
        return
    _received.set()
    timer = threading.Timer(seconds, _expire, args=(seconds,))
    timer.daemon = True
    timer.start()


def _interrupt(signum: int, frame: object) -> None:
    start_deadline()
    raise KeyboardInterrupt(f"signal {signum}")


def _expire(seconds: float) -> None:
    sys.stderr.write(
        f"\n{MESSAGE} {seconds:g}s later; the run ends now, and the reaper removes what "
        "it started. Where each thread waited (report it as a bug):\n"
    )
    sys.stderr.flush()
    faulthandler.dump_traceback(all_threads=True)
    os._exit(2)  # pytest's "interrupted"
