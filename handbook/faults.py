"""Interrupt chapters from outside, as a user or a CI runner does, and count what is left.

``python -m handbook.faults --seed 7 --count 30`` runs chapters one after another (or
``--jobs`` at a time), each in a process group of its own and with a temporary folder
of its own (``TMPDIR``), and sends the whole group SIGINT (Ctrl-C in a terminal) or
SIGKILL (a cancelled CI job), at a point drawn from the seed: by turns after a delay,
or as a block drawn from the chapter's blocks starts (an install, a service, a
database command).
Then it checks that nothing of the run is left: no process working in or naming its
temporary folder, no file there, no port listening that was not before, and the
repository as it was. On a server of the user's (``--server URL``, by default
``DATABASE_URL``), its databases and roles must be as they were too. What a run left
is reported, then its processes stopped, so that one leak does not fail the runs after
it. The seed is printed, so a failure can be replayed. ``nox -s faults`` runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from handbook.interrupt import DEADLINE, MESSAGE

__all__ = ["Fault", "main", "stacks", "stop_leftovers"]

CHAPTERS = ("deployment", "database", "configuration", "security", "practices")
SIGNALS = (signal.SIGINT, signal.SIGKILL)
# pgserver's lock (platformdirs' runtime folder): every run leaves it, however it ends.
_NOT_OURS = {"runtime-0", f"runtime-{os.getuid()}"}
_SETTLE = 20.0  # seconds the run's clean-up (or the watchdog) has to finish
# Seconds a run has to end after the signal: its own deadline for the teardown, and
# time to exit after it.
_ENDS = DEADLINE + 30


# A chapter, the signal, and when: after a delay (seconds), or as a block starts.
Plan = tuple[str, signal.Signals, float, str | None]


@dataclass(frozen=True)
class Fault:
    """One interrupt and what it left."""

    chapter: str
    signal: signal.Signals
    point: str
    """Where the signal was aimed: ``after 12.3s`` or ``at docs/x.md::40-42``."""
    reached: str
    """The last block the run reported before the signal."""
    left: tuple[str, ...]
    stuck: str = ""
    """When the run did not end: its last output and where each thread waited."""
    overran: str = ""
    """When the run's teardown overran and the engine's deadline ended it: the same."""

    def line(self) -> str:
        what = "clean" if not self.left else "LEFT " + "; ".join(self.left)
        if self.overran:
            what += f" (ended by the teardown's deadline, {DEADLINE:g}s)"
        return (
            f"{self.chapter:<14} {self.signal.name:<8} {self.point:<32} "
            f"reached {self.reached or 'set-up'}: {what}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(10**6))
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--chapters", default=",".join(CHAPTERS))
    parser.add_argument(
        "--server",
        default=os.environ.get("DATABASE_URL") or None,
        help="run the chapters on this PostgreSQL server, and check that its databases and "
        "roles are as they were (default: $DATABASE_URL; unset, the engine's own server)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="chapters interrupted at the same time (without --server: on a server, one "
        "run's databases would count as another's leftovers)",
    )
    options = parser.parse_args(argv)
    if options.server and options.jobs > 1:
        parser.error("--jobs above 1 needs the engine's own servers (no --server)")
    where = f" on {options.server}" if options.server else ""
    print(f"faults: seed {options.seed}{where} (replay: --seed {options.seed})", flush=True)
    # Ctrl-C acts on the chapters as on a terminal's command, even where this script's
    # SIGINT is ignored (a background job of a shell without job control, as some CI
    # runners start their steps; pytest would inherit that and end as if never interrupted).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    repository = _git_status()
    plans = _plans(options.seed, options.count, options.chapters.split(","))
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        running = [pool.submit(interrupt, *plan, server=options.server) for plan in plans]
        faults = []
        for index, future in enumerate(running):
            faults.append(future.result())
            print(f"{index + 1:>3} {faults[-1].line()}", flush=True)
    _report_stacks(faults)
    if _git_status() != repository:
        print("faults: the repository's tree changed", flush=True)
        return 1
    leaked = [fault for fault in faults if fault.left]
    print(f"faults: {len(faults)} interrupts, {len(leaked)} left something", flush=True)
    return 1 if leaked else 0


def _plans(seed: int, count: int, chapters: list[str]) -> list[Plan]:
    """Which chapter, which signal, and when: drawn from ``seed``, so a run replays."""
    chance = random.Random(seed)  # noqa: S311 (a replayable draw, not a secret)
    blocks = {chapter: _blocks(chapter) for chapter in chapters}
    plans: list[Plan] = []
    for index in range(count):
        chapter = chapters[index % len(chapters)]
        sig = SIGNALS[(index // len(chapters)) % len(SIGNALS)]
        if index % 2:
            plans.append((chapter, sig, 0.0, chance.choice(blocks[chapter])))
        else:
            plans.append((chapter, sig, chance.uniform(2.0, 20.0), None))
    return plans


def _report_stacks(faults: list[Fault]) -> None:
    """Runs that did not end, or overran their teardown: last, where a CI log's tail
    shows them."""
    for index, fault in enumerate(faults):
        if fault.stuck:
            print(f"faults: run {index + 1} did not end; its stacks:\n{fault.stuck}", flush=True)
        if fault.overran:
            print(f"faults: run {index + 1} overran its teardown:\n{fault.overran}", flush=True)
    overran = sum(bool(fault.overran) for fault in faults)
    if overran:
        # Nothing was left, so it is no fault; but a teardown should take seconds.
        print(f"faults: {overran} teardown(s) ended by the deadline: a bug to report", flush=True)


def interrupt(
    chapter: str,
    sig: signal.Signals,
    delay: float = 0.0,
    block: str | None = None,
    server: str | None = None,
) -> Fault:
    """Run ``docs/<chapter>.md`` (on ``server``, if given); send its process group ``sig``
    as ``block`` starts (a test id, ``docs/x.md::40-42``), or else after ``delay`` seconds."""
    ports = _listening()
    contents = _contents(server)
    page = f"docs/{chapter}.md"
    with tempfile.TemporaryDirectory(prefix=f"faults-{chapter}-") as folder:
        tmp = Path(folder)
        log = tmp.parent / f"{tmp.name}.log"
        with log.open("wb") as sink:
            # pyproject.toml's options load the engine's plugin.
            run = subprocess.Popen(
                [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", page],
                env={
                    **os.environ,
                    "TMPDIR": folder,
                    **({"DATABASE_URL": server} if server else {}),
                },
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if block is None:
                time.sleep(delay)
            else:
                _wait_for(block, log, run)
            reached = _last_block(log)
            # A run that had finished: an interrupt after the end must leave nothing either.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, sig)
            stuck = _ended(run, log)
            output = log.read_text(errors="replace")
            overran = "\n".join(f"    | {line}" for line in stacks(output) if MESSAGE in output)
        deadline = time.monotonic() + _SETTLE
        while (left := _left(tmp, ports, server, contents)) and time.monotonic() < deadline:
            time.sleep(0.5)
        stop_leftovers(str(tmp))  # reported: now stopped, or it would fail the next runs
        log.unlink()
    point = f"at {block}" if block else f"after {delay:.1f}s"
    if stuck:
        left.insert(0, f"a run still going {_ENDS:g}s after {sig.name}")
    return Fault(chapter, sig, point, reached, tuple(left), stuck, overran)


def _ended(run: subprocess.Popen[bytes], log: Path) -> str:
    """Wait for the run to end; if it does not, its last output with every thread's stack
    (pytest enables faulthandler, which prints them on SIGABRT), and kill it."""
    try:
        run.wait(timeout=_ENDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(run.pid, signal.SIGABRT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            run.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        return "\n".join(f"    | {line}" for line in stacks(log.read_text(errors="replace")))
    return ""


# Where a dump begins: faulthandler's on SIGABRT, or the engine's at its deadline.
_DUMP = re.compile(f"Fatal Python|{re.escape(MESSAGE)}")


def stacks(output: str, before: int = 15, frames: int = 14) -> list[str]:
    """A stuck run's output, short enough for a CI log's tail: the ``before`` lines before
    faulthandler's dump, and each thread's ``frames`` innermost frames (where it waits)."""
    lines = output.splitlines()
    start = next((n for n, line in enumerate(lines) if _DUMP.match(line)), None)
    if start is None:
        return [*lines[-before:], "(no stacks: the run did not dump them)"]
    kept = lines[max(0, start - before) : start + 1]
    shown = 0
    for line in lines[start + 1 :]:
        if "(most recent call first)" in line:
            kept.append(line)
            shown = 0
        elif line.lstrip().startswith("File ") and shown < frames:
            kept.append(line)
            shown += 1
    return kept


def _left(tmp: Path, ports: set[int], server: str | None, contents: set[str]) -> list[str]:
    found = [f"process {pid}: {what}" for pid, what in _processes(str(tmp))]
    found += [f"file {p.name}" for p in tmp.iterdir() if p.name not in _NOT_OURS]
    found += [f"port {port}" for port in sorted(_listening() - ports) if not _others(port, tmp)]
    found += sorted(_contents(server) - contents)
    return found


def _contents(server: str | None) -> set[str]:
    """The databases and roles on ``server`` (``database x``, ``role y``); none without one."""
    if server is None:
        return set()
    import psycopg  # noqa: PLC0415 (the engine's environment has it; only --server needs it)

    with psycopg.connect(server, connect_timeout=10) as connection:
        databases = connection.execute("SELECT 'database ' || datname FROM pg_database")
        roles = connection.execute("SELECT 'role ' || rolname FROM pg_roles")
        return {name for (name,) in [*databases.fetchall(), *roles.fetchall()]}


def _processes(marker: str) -> list[tuple[int, str]]:
    """Processes that work in the run's folder or name it on their command line."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cwd = os.readlink(entry / "cwd")
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cwd or marker in command:
            found.append((int(entry.name), command.strip()[:120]))
    return found


def stop_leftovers(marker: str) -> None:
    """SIGKILL the process groups of what a run left (the folder goes with the with)."""
    for pid, _ in _processes(marker):
        with contextlib.suppress(OSError):
            group = os.getpgid(pid)
            if group != os.getpgrp():
                os.killpg(group, signal.SIGKILL)


def _others(port: int, tmp: Path) -> bool:
    """True when every process listening on ``port`` is known and none is the run's: a
    chapter run by someone else on this machine, not a leak (a leaked process of the
    run is reported as a process)."""
    inodes = _sockets(port)
    owners = [
        entry.parent.parent for entry in Path("/proc").glob("[0-9]*/fd/*") if _link(entry) in inodes
    ]
    return bool(owners) and not any(
        str(tmp) in _link(owner / "cwd") or str(tmp) in _cmdline(owner) for owner in owners
    )


def _sockets(port: int) -> set[str]:
    """``socket:[inode]`` of the sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                fields = row.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    found.add(f"socket:[{fields[9]}]")
    return found


def _link(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def _cmdline(process: Path) -> str:
    try:
        return (process / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _listening() -> set[int]:
    """TCP ports in LISTEN state on this machine (IPv4 and IPv6)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A":  # LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _blocks(chapter: str) -> list[str]:
    """The test ids of a chapter's blocks, in order (pytest --collect-only)."""
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         f"docs/{chapter}.md"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [line for line in listed.splitlines() if line.startswith("docs/")]


def _wait_for(block: str, log: Path, run: subprocess.Popen[bytes]) -> None:
    """Until pytest -v names ``block`` (it does as the block starts), or the run ends."""
    while run.poll() is None and block not in log.read_text(errors="replace"):
        time.sleep(0.05)


def _last_block(log: Path) -> str:
    lines = [
        line.split()[0] for line in log.read_text(errors="replace").splitlines() if "::" in line
    ]
    return lines[-1] if lines else ""


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], capture_output=True, text=True, check=False
    ).stdout


if __name__ == "__main__":
    sys.exit(main())
