"""A page stops the servers it starts, by a step the reader sees: Ctrl+C where it runs."""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.chapters import Handbook, free_port, port_open, processes_matching

PAGE = """\
# A server the reader starts, then stops

<!-- handbook: background port={port} name=web -->
```bash
python3 -m http.server {port} --bind 127.0.0.1
```

```bash
python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/')"
```
{stop}
"""
STOP = """
Stop the server: press ++ctrl+c++ in the terminal where it runs.

<!-- handbook: stop name={name} -->

```bash
python3 -c "import socket; print(socket.socket().connect_ex(('127.0.0.1', {port})) != 0)"
```

<!-- handbook: output -->
```text
True
```
"""


def test_a_stop_step_interrupts_the_service_as_ctrl_c_does(handbook: Handbook) -> None:
    """After the step, nothing answers on the port: the next block proves it."""
    port = free_port()
    handbook.chapter("stop", PAGE.format(port=port, stop=STOP.format(name="web", port=port)))

    result = handbook.run("docs/stop.md", "-v")

    result.assert_outcomes(passed=5)
    line = handbook.line_of("stop", "handbook: stop")
    result.stdout.fnmatch_lines([f"docs/stop.md::{line}-{line} PASSED*"])
    assert handbook.report()["runs"]["stop"]["machine_error"] is None


def test_a_service_the_page_never_stops_fails_the_page(handbook: Handbook) -> None:
    """A reader would be left with a server holding the port: the page must say to stop it."""
    port = free_port()
    handbook.chapter("stop", PAGE.format(port=port, stop=""))
    started = handbook.line_of("stop", "handbook: background") + 1

    result = handbook.run("docs/stop.md")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/stop.md:1: the page changed the reader's machine and does not say so:",
            f"  web, started at docs/stop.md:{started}: still running (tell the reader to press "
            "Ctrl+C where it runs, then <!-- handbook: stop name=web -->)",
        ]
    )
    assert not port_open(port)  # stopped all the same
    assert processes_matching("http.server", str(port)) == {}


def test_stopping_a_service_that_is_not_running_names_those_that_are(handbook: Handbook) -> None:
    """A misspelt name must not pass silently."""
    port = free_port()
    handbook.chapter("stop", PAGE.format(port=port, stop=STOP.format(name="wbe", port=port)))
    line = handbook.line_of("stop", "handbook: stop")

    result = handbook.run("docs/stop.md")

    result.assert_outcomes(passed=2, failed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [f"docs/stop.md:{line}: no service named wbe is running (running: web)"]
    )
    assert not port_open(port)


def test_a_stop_step_works_when_the_engine_was_started_with_ctrl_c_ignored(
    handbook: Handbook,
) -> None:
    """sh and CI runners start background commands with SIGINT ignored, and children
    inherit that; the reader's terminal starts with Ctrl-C working, so must the page's."""
    port = free_port()
    handbook.chapter("stop", PAGE.format(port=port, stop=STOP.format(name="web", port=port)))

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "handbook.plugin", "-p", "no:cacheprovider",
         "docs/stop.md"],
        cwd=handbook.root, preexec_fn=_ignore_ctrl_c,
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-2000:]
    assert "5 passed" in done.stdout


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
