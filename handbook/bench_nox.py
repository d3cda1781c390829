"""``nox -s bench -- --nox``: how long a whole verification takes, timed, in a copy.

Three runs of ``script/test`` (plain nox's sessions, two at a time), in a copy of this
repository outside it, as a clone has it, so the edit below never touches the
checkout:

- everything forced (``HANDBOOK_FORCE=1``), with uv's cache as this machine has it;
- nothing changed since (the median of :data:`ROUNDS`): every session reused;
- one page edited: a sentence added to a page off the onboarding path.

About ten minutes on a 2-core machine. Nothing else should run meanwhile: the copy's
chapters share this machine's ports and database servers.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from handbook import reaper
from handbook.workspace import copy_as_cloned

__all__ = ["EDITED", "timed_runs"]

ROUNDS = 3
EDITED = "docs/contributing.md"
"""The page edited: off the onboarding path, so its own session proves it."""
# Variables of an outer run that would change what the copy's runs do.
_OUTER = ("CI", "HANDBOOK_FORCE", "HANDBOOK_STARTED", "HANDBOOK_REPORT", "VIRTUAL_ENV")


def timed_runs(root: Path) -> dict[str, dict[str, object]]:
    """Seconds for each run, and the sessions each ran (from script/test's own lines)."""
    folder = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    reaper.watch("path", folder)
    try:
        copy = folder / "handbook"
        copy_as_cloned(root, copy)
        subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
        results = {"forced": _entry(*_run(copy, HANDBOOK_FORCE="1"))}
        unchanged = [_run(copy) for _ in range(ROUNDS)]
        seconds = statistics.median(run[0] for run in unchanged)
        results["unchanged"] = {**_entry(seconds, unchanged[0][1]), "rounds": ROUNDS}
        page = copy / EDITED
        page.write_text(page.read_text() + "\nA sentence added by the bench.\n")
        results["one_page_edited"] = {**_entry(*_run(copy)), "page": EDITED}
        return results
    finally:
        reaper.remove(folder)


def _entry(seconds: float, sessions: list[str]) -> dict[str, object]:
    return {"seconds": round(seconds, 2), "sessions": sessions}


def _run(copy: Path, **extra: str) -> tuple[float, list[str]]:
    """One ``script/test`` in ``copy``: its seconds, and the sessions it ran (from its
    own lines); fails, with its output's end, if the run fails."""
    env = {key: value for key, value in os.environ.items() if key not in _OUTER}
    # Not this session's virtualenv: the copy's sessions find the machine's Pythons.
    env["PATH"] = os.pathsep.join(
        entry for entry in env.get("PATH", "").split(os.pathsep) if not entry.startswith(sys.prefix)
    )
    started = time.perf_counter()
    done = subprocess.run(
        ["script/test"], cwd=copy, env={**env, **extra}, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"script/test failed in the copy:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )
    started_lines = [line for line in done.stdout.splitlines() if line.endswith(": started")]
    sessions = [line.split(" ", 2)[2].removesuffix(": started") for line in started_lines]
    return seconds, sessions
