"""faults' report of a run that did not end: short, with where each thread waited; and
what a run left, stopped once reported."""

import signal
import subprocess
import sys
from pathlib import Path

from handbook.faults import stacks, stop_leftovers
from handbook.interrupt import MESSAGE

_STUCK = """
import faulthandler, os, signal, threading
faulthandler.enable()
def waits_in_a_thread(): threading.Event().wait()
def waits_in_main(): threading.Event().wait(0.5); os.kill(os.getpid(), signal.SIGABRT)
threading.Thread(target=waits_in_a_thread, daemon=True).start()
for n in range(40): print(f"line {n}", flush=True)
waits_in_main()
"""


def test_a_stuck_runs_stacks_name_where_each_thread_waits() -> None:
    dump = subprocess.run(
        [sys.executable, "-c", _STUCK], capture_output=True, text=True, check=False
    )
    shown = stacks(dump.stdout + dump.stderr, before=5, frames=3)

    assert "line 39" in shown
    assert "line 30" not in shown
    assert sum("(most recent call first)" in line for line in shown) == 2
    assert any("waits_in_main" in line for line in shown)
    assert any("waits_in_a_thread" in line for line in shown)
    assert not any(line.startswith("Extension modules") for line in shown)


def test_a_run_without_a_dump_shows_its_last_lines() -> None:
    shown = stacks("\n".join(f"line {n}" for n in range(40)), before=3)

    assert shown == ["line 37", "line 38", "line 39", "(no stacks: the run did not dump them)"]


def test_a_teardown_ended_by_its_deadline_shows_where_it_waited() -> None:
    ended = subprocess.run(
        [sys.executable, "-c", _OVERRUNS], capture_output=True, text=True, check=False
    )
    shown = stacks(ended.stdout + ended.stderr, before=2, frames=4)

    assert any(MESSAGE in line for line in shown)
    assert any("waits_in_teardown" in line for line in shown)


_OVERRUNS = """
import threading
from handbook import interrupt
lock = threading.Lock(); lock.acquire()
interrupt.start_deadline(0.2)
def waits_in_teardown(): lock.acquire()
waits_in_teardown()
"""


def test_what_a_run_left_is_stopped_once_reported(tmp_path: Path) -> None:
    """A leak fails its fault; it must not fail the next ones too (a port still taken)."""
    left = subprocess.Popen(["sleep", "300"], cwd=tmp_path, start_new_session=True)

    stop_leftovers(str(tmp_path))

    assert left.wait(timeout=10) == -signal.SIGKILL
