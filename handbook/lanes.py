"""Plain ``nox``'s sessions in lanes, so a full proof keeps every core busy (script/test).

``python -m handbook.lanes NOX [--lanes 2]`` runs the sessions ``NOX -l --json`` lists as
plain ``nox``'s, each as ``NOX -s NAME``, as many at a time as there are lanes. A free
lane takes the next session that may start (:func:`ready`): the journey, the longest,
first; ``fresh`` beside it, as it runs some sessions again and may run beside no other;
then nox's order; ``site`` when every other session has written the report its page
shows; ``summary`` last. Each session's output goes to
``build/lanes/NAME.log``; this prints a line as each one starts and ends, with its time,
the end of the log of one that failed, and the summary's whole.

Ctrl-C reaches every session running (they share the terminal's process group), and
each cleans up as under plain ``nox``; SIGTERM is passed on to them as Ctrl-C.
Standard library only: it runs on the Python that runs nox.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["order", "ready", "run"]

FIRST = ("journey", "fresh")
"""Started first: the longest session, and ``fresh``, which may run beside it only."""
ALONE = {"fresh": ("journey",)}
"""Sessions that share others' virtualenvs and servers (``fresh`` runs some of nox's
sessions again), and the only sessions they may run beside."""
LAST = ("site", "summary")
"""After every other session: the site shows their report; the summary, everything."""
SHOWN = ("summary",)
"""Sessions whose whole output is printed: the one screen that ends the run."""
LOG_LINES = 120

Running = dict[str, tuple["subprocess.Popen[bytes]", float]]


def order(sessions: list[str]) -> list[str]:
    """The order lanes take ``sessions`` in: :data:`FIRST`, nox's order, :data:`LAST`."""
    first = [s for s in FIRST if s in sessions]
    last = [s for s in LAST if s in sessions]
    return first + [s for s in sessions if s not in first + last] + last


def ready(session: str, unfinished: list[str], running: list[str]) -> bool:
    """May ``session`` start now? ``unfinished``: the other sessions not yet finished,
    ``running`` among them."""
    if session in LAST:
        return all(s in LAST[LAST.index(session) + 1 :] for s in unfinished)
    if any(session not in ALONE[r] for r in running if r in ALONE):
        return False
    return all(r in ALONE[session] for r in running) if session in ALONE else True


def run(nox: str, sessions: list[str], lanes: int, logs: Path) -> int:
    """Run ``sessions`` in ``lanes``; 0 if all passed, 1 if one failed, 130 on Ctrl-C."""
    logs.mkdir(parents=True, exist_ok=True)
    waiting, running, failed = order(sessions), {}, []  # type: list[str], Running, list[str]
    _say(f"{len(waiting)} sessions in {lanes} lanes; their logs: {logs}/")
    signal.signal(signal.SIGTERM, lambda *_: _interrupt(running))
    try:
        while waiting or running:
            for session in list(waiting):
                others = [s for s in [*waiting, *running] if s != session]
                if len(running) < lanes and ready(session, others, list(running)):
                    waiting.remove(session)
                    running[session] = (_start(nox, session, logs), time.monotonic())
            time.sleep(0.2)
            for session, (process, started) in list(running.items()):
                if process.poll() is not None:
                    del running[session]
                    if _ended(session, process.returncode, time.monotonic() - started, logs):
                        failed.append(session)
    except KeyboardInterrupt:
        _wait_for(running)
        return 130
    if failed:
        _say(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


def _interrupt(running: Running) -> None:
    """SIGTERM (a CI runner giving up): Ctrl-C to every session, then stop as on Ctrl-C."""
    for process, _ in running.values():
        process.send_signal(signal.SIGINT)
    raise KeyboardInterrupt


def _start(nox: str, session: str, logs: Path) -> subprocess.Popen[bytes]:
    _say(f"{session}: started")
    with (logs / f"{_file(session)}.log").open("wb") as log:
        return subprocess.Popen([nox, "-s", session], stdout=log, stderr=subprocess.STDOUT)


def _ended(session: str, status: int, seconds: float, logs: Path) -> bool:
    """Say how ``session`` ended; True when it failed (then with its log's end)."""
    took = f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"
    lines = (logs / f"{_file(session)}.log").read_text(errors="replace").splitlines()
    if status == 0:
        _say(f"{session}: passed in {took}")
        if session in SHOWN:
            print("\n".join(lines), flush=True)
        return False
    _say(f"{session}: FAILED (exit status {status}) in {took}; the end of its log:")
    print("\n".join(lines[-LOG_LINES:]), flush=True)
    return True


def _wait_for(running: Running) -> None:
    """After Ctrl-C: the sessions got it too; let each clean up."""
    for session, (process, _) in running.items():
        try:
            process.wait()
        except KeyboardInterrupt:  # a second Ctrl-C: stop waiting for this one
            process.kill()
        _say(f"{session}: interrupted")


def _file(session: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in session).strip("_")


def _say(message: str) -> None:
    print(f"lanes {time.strftime('%H:%M:%S')} {message}", flush=True)


def _sessions(nox: str) -> list[str]:
    listed = subprocess.run([nox, "-l", "--json"], capture_output=True, text=True, check=True)
    return [session["session"] for session in json.loads(listed.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handbook.lanes", description=__doc__)
    parser.add_argument("nox", help="the nox to run, e.g. .nox/tools/bin/nox")
    parser.add_argument("--lanes", type=int, default=2, help="sessions at a time (2)")
    parser.add_argument("--logs", type=Path, default=Path("build/lanes"))
    args = parser.parse_args(argv)
    # The summary lists the runs since this moment: every session's, not only its own.
    os.environ.setdefault(
        "HANDBOOK_STARTED", time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    )
    # Ctrl-C works here and, as a handler is reset by exec, in each session, even where
    # this runner was started with it ignored (sh starts its background commands so).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return run(args.nox, _sessions(args.nox), args.lanes, args.logs)


if __name__ == "__main__":
    sys.exit(main())
