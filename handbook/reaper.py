"""Nothing the engine starts outlives it, even when it is killed outright.

A watchdog process (``handbook/watchdog.py``) is started with the first thing to watch.
The engine tells it, one line each, what it starts and what it has cleaned up itself::

    watch group 4242            a process group: a block, a service
    watch postgres /tmp/x       a PostgreSQL data folder: its server, then the folder
    watch path /tmp/x           a folder
    watch turn {"databases": [...], "roles": [...]}
                                a page's turn on the user's server, and what was there
                                before it: what appeared since is the page's
    forget group 4242           (and forget postgres / forget path / ...)

When the engine's end of the pipe closes, however the engine ended (its own exit, an
exception, SIGKILL from nox or a cancelled CI job), the watchdog stops and removes
whatever is still watched. It runs in a session of its own and ignores Ctrl-C, so the
signal that stops a run does not stop it first.

Databases and roles on a server of the user's (``DATABASE_URL``, in the watchdog's
environment as in the engine's) it drops too, with the engine's own psycopg: those the
engine made, and those a page made in its turn on the server (after taking the turn
itself, so that no other run's are taken for them).

It keeps what it watches in a ledger, ``$TMPDIR/handbook-runs/<its pid>``, removed when
it is done. A ledger whose watchdog is gone (killed with the whole job, the machine
reset) is what a run left: the next run sweeps it first (:func:`sweep`), and the next
run on a ``DATABASE_URL`` server drops the databases and roles it names
(:func:`sweep_server`), as it does those the watchdog could not drop (the server did not
answer).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = [
    "KINDS",
    "LEDGERS",
    "ON_A_SERVER",
    "Leftover",
    "forget",
    "group_alive",
    "postmaster",
    "remove",
    "stop_postgres",
    "stop_postmaster",
    "sweep",
    "sweep_server",
    "tear_down",
    "watch",
    "write_ledger",
]

_GRACE = 3.0
LEDGERS = Path(tempfile.gettempdir()) / "handbook-runs"
"""One ledger per live watchdog, named by its pid."""
KINDS = ("group", "postgres", "path", "database", "role", "turn")
ON_A_SERVER = ("database", "role", "turn")


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
    postgres or path; database or role (by name, on the DATABASE_URL server)."""
    _WATCHDOG.tell(f"watch {kind} {what}")


def forget(kind: str, what: int | str | Path) -> None:
    """The engine stopped or removed ``what`` itself."""
    _WATCHDOG.tell(f"forget {kind} {what}")


def remove(folder: str | Path, kind: str = "path") -> None:
    """Remove a watched folder, and forget it only once it is gone: what could not be
    removed yet (a process still writing there), the watchdog removes when the run ends."""
    shutil.rmtree(folder, ignore_errors=True)
    if not os.path.lexists(folder):
        forget(kind, folder)


class Leftover(UserWarning):
    """What a killed run left, removed by this one (shown in pytest's warnings summary)."""


def sweep() -> list[str]:
    """Stop and remove what runs whose watchdog is gone left behind; what was removed."""
    removed: list[str] = []
    for ledger, watched in _dead_ledgers():
        tear_down(watched, swept=True)
        removed += [f"{kind} {what}" for kind in ("postgres", "path") for what in watched[kind]]
        write_ledger(ledger, {kind: watched[kind] for kind in ON_A_SERVER})
    return removed


def sweep_server(drop: Callable[[str, str], None]) -> list[str]:
    """Drop, with ``drop(kind, name)``, the databases and roles dead runs left on the
    DATABASE_URL server; what was dropped."""
    dropped: list[str] = []
    for ledger, watched in _dead_ledgers():
        kept: dict[str, set[str]] = {kind: set() for kind in ON_A_SERVER}
        for kind in ON_A_SERVER:
            for name in sorted(watched[kind]):
                try:
                    drop(kind, name)
                except Exception:  # noqa: BLE001 (the server did not answer, or was busy)
                    kept[kind].add(name)  # the next run tries again
                    continue
                dropped.append(f"{kind} {name}" if kind != "turn" else "what a page made")
        # What is not on a server stays for sweep(), if this run did not sweep first.
        write_ledger(ledger, {**{k: v for k, v in watched.items() if k not in kept}, **kept})
    return dropped


def _dead_ledgers() -> list[tuple[Path, dict[str, set[str]]]]:
    found = []
    for ledger in sorted(LEDGERS.glob("[0-9]*")):
        if not _watchdog_alive(int(ledger.name)):
            with contextlib.suppress(OSError):  # another run swept it first
                found.append((ledger, _read_ledger(ledger)))
    return found


def _watchdog_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    cmdline = Path(f"/proc/{pid}/cmdline")
    # A reused pid is another program; watchdogs before handbook/watchdog.py ran reaper.py.
    return not cmdline.exists() or any(
        name in cmdline.read_bytes() for name in (b"handbook.watchdog", b"reaper.py")
    )


def _read_ledger(ledger: Path) -> dict[str, set[str]]:
    watched: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for line in ledger.read_text().splitlines():
        kind, what = line.split(" ", 1)
        watched[kind].add(what)
    return watched


def write_ledger(ledger: Path, watched: dict[str, set[str]]) -> None:
    """Write (atomically) what is watched; remove the ledger when nothing is."""
    lines = [f"{kind} {what}\n" for kind, whats in watched.items() for what in sorted(whats)]
    if not lines:
        ledger.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the last one out leaves no folder behind
            ledger.parent.rmdir()
        return
    draft = ledger.with_name(f".{ledger.name}.{os.getpid()}")
    for _ in range(3):  # another run may remove the emptied folder in between
        try:
            ledger.parent.mkdir(exist_ok=True)
            draft.write_text("".join(lines))
            os.replace(draft, ledger)
            return
        except FileNotFoundError:
            continue


def tear_down(watched: dict[str, set[str]], *, swept: bool = False) -> None:
    folders = (*watched["postgres"], *watched["path"])
    for folder in watched["postgres"]:
        stop_postgres(Path(folder))
    for group in watched["group"]:
        # A dead run's group id may be another's by now: only one working in its folders.
        if not swept or _group_works_in(int(group), folders):
            _stop_group(int(group))
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _group_works_in(pgid: int, folders: tuple[str, ...]) -> bool:
    """A process of group ``pgid`` has its working folder in one of ``folders`` (Linux)."""
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            cwd = os.readlink(entry / "cwd")
            if any(cwd == folder or cwd.startswith(folder + os.sep) for folder in folders):
                return True
    return False


def _start() -> IO[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "handbook.watchdog"],
        cwd=Path(__file__).resolve().parent.parent,  # where ``handbook`` is found
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        text=True,
    )
    assert process.stdin is not None
    return process.stdin


def group_alive(pgid: int) -> bool:
    """True while a process of the group runs (zombies waiting to be reaped do not count:
    where PID 1 reaps nothing, as in some containers, they stay)."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, zombies included
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _stop_group(pgid: int) -> None:
    _stop(lambda sig: os.killpg(pgid, sig), signal.SIGTERM, lambda: group_alive(pgid))


def stop_postgres(folder: Path) -> bool:
    """Stop the PostgreSQL server of a data folder (:func:`stop_postmaster`); True once
    none runs."""
    pid = postmaster(folder)
    return pid is None or stop_postmaster(pid)


def postmaster(folder: Path) -> int | None:
    """The pid of the server of a data folder, from its postmaster.pid; None without one."""
    try:
        return int((folder / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None  # never started, or stopped: a postmaster removes the file last


def stop_postmaster(pid: int) -> bool:
    """SIGQUIT to a postmaster: PostgreSQL's immediate shutdown, its backends included
    (the data is thrown away: no checkpoint is owed). True once it is gone."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    with contextlib.suppress(OSError):  # a postmaster that died left its pid to another
        if cmdline.exists() and b"postgres" not in cmdline.read_bytes():
            return True
    _stop(lambda sig: os.kill(pid, sig), signal.SIGQUIT, lambda: _running(pid))
    return not _running(pid)


def _running(pid: int) -> bool:
    """The process is there and not a zombie waiting to be reaped (Linux's /proc)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _stop(send: Callable[[int], None], first: signal.Signals, alive: Callable[[], bool]) -> None:
    """Send ``first``, then SIGKILL to what is still ``alive`` after the grace period, and
    give that a moment to land."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # gone: done
        send(first)
        for then in (signal.SIGKILL, None):
            deadline = time.monotonic() + _GRACE
            while alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if then is None or not alive():
                return
            send(then)
