"""script/test's lanes (handbook/lanes.py): plain nox's sessions, two at a time, in an
order that keeps both cores busy and never runs side by side what shares a server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from handbook.lanes import order, ready
from tests.chapters import ENGINE_ROOT

SESSIONS = ["lint", "engine", "journey", "git", "sample", "docs", "site", "fresh", "summary"]
# A stand-in for nox: lists SESSIONS, and runs one as `-s NAME`, noting when it starts
# and ends; `git` fails.
NOX = """#!/bin/sh
if [ "$1" = -l ]; then echo '{listed}'; exit 0; fi
echo "start $2" >> {events}
echo "the log of $2"
case "$2" in journey) sleep 1.5 ;; fresh) sleep 0.6 ;; *) sleep 0.3 ;; esac
echo "end $2" >> {events}
[ "$2" != git ]
"""


def test_the_journey_and_fresh_start_first_and_the_site_and_summary_last() -> None:
    assert order(SESSIONS) == [
        "journey", "fresh", "lint", "engine", "git", "sample", "docs", "site", "summary",
    ]  # fmt: skip


def test_fresh_runs_beside_nothing_but_the_journey() -> None:
    assert ready("fresh", ["journey", "lint"], running=["journey"])
    assert not ready("fresh", ["journey", "lint"], running=["lint"])
    assert not ready("lint", ["journey", "fresh"], running=["fresh"])
    assert ready("lint", ["journey", "git"], running=["journey"])


def test_the_site_waits_for_every_report_and_the_summary_for_all() -> None:
    assert not ready("site", ["git", "summary"], running=["git"])
    assert not ready("site", ["fresh", "summary"], running=[])
    assert ready("site", ["summary"], running=[])
    assert not ready("summary", ["site"], running=["site"])
    assert ready("summary", [], running=[])


def test_sessions_run_two_at_a_time_and_a_failure_shows_its_log(tmp_path: Path) -> None:
    events = tmp_path / "events"
    nox = tmp_path / "nox"
    listed = json.dumps([{"session": name} for name in SESSIONS])
    nox.write_text(NOX.format(listed=listed, events=events))
    nox.chmod(0o755)

    done = subprocess.run(
        [sys.executable, "-m", "handbook.lanes", str(nox), "--logs", str(tmp_path / "logs")],
        cwd=ENGINE_ROOT, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip

    assert done.returncode == 1, done.stdout
    happened = events.read_text().split("\n")[:-1]
    at_once, most = 0, 0
    for event in happened:
        at_once += 1 if event.startswith("start") else -1
        most = max(most, at_once)
    assert most == 2, happened
    assert happened[:2] == ["start journey", "start fresh"]
    ends = [event for event in happened if event.startswith("end ")]
    assert happened.index("start site") > max(happened.index(e) for e in ends[:-2])
    assert happened[-2:] == ["start summary", "end summary"]
    assert "git: FAILED (exit status 1)" in done.stdout
    assert "the log of git" in done.stdout  # a failure's log is shown
    assert "the log of lint" not in done.stdout  # a pass's is not...
    assert "the log of summary" in done.stdout  # ...but the summary's is
    assert "failed: git" in done.stdout
