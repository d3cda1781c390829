"""An interrupted run stops at once, and ends, even when its teardown waits for ever."""

import subprocess
import sys

from handbook.interrupt import MESSAGE

_HANGS = """
import threading
from handbook import interrupt
lock = threading.Lock(); lock.acquire()
interrupt.start_deadline(0.5)
interrupt.start_deadline(60)  # the clock starts once: a second interrupt does not reset it
def waits_for_ever(): lock.acquire()
waits_for_ever()
"""

_LOST = """
import os, signal
from handbook import interrupt
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, not a job
interrupt.install()
class Finalised:
    def __del__(self): os.kill(os.getpid(), signal.SIGINT)
Finalised()  # Python ignores the KeyboardInterrupt raised in __del__
print("went on", flush=True)
interrupt.check()  # as the next block would start
print("the next block ran", flush=True)
"""


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )


def test_a_teardown_that_waits_for_ever_ends_with_its_stacks() -> None:
    ended = _python(_HANGS)

    assert ended.returncode == 2
    assert MESSAGE in ended.stderr
    assert "waits_for_ever" in ended.stderr


def test_an_interrupt_python_ignored_stops_the_next_block() -> None:
    ended = _python(_LOST)

    assert "went on" in ended.stdout  # what Python does with it
    assert "the next block ran" not in ended.stdout
    assert "KeyboardInterrupt: interrupted earlier" in ended.stderr
