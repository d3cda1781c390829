"""The verification report, ``build/verification.json``: when and how each chapter was proved.

Schema (version 1)::

    {
      "schema": 1,
      "runs": {                             # one entry per chapter run, keyed by its id:
        "setup": {...},                     #   the slug, or slug[python=X.Y] when the
        "setup[python=3.10]": {...}         #   reader's Python was chosen explicitly
      }
    }

Each run::

    {
      "chapter": "docs/setup.md",   "slug": "setup",   "variant": "python=3.10" | null,
      "date": "2026-11-25T10:00:00+00:00",   "git_commit": "1a2b3c4" | "1a2b3c4+dirty",
      "status": "passed" | "failed" | "not proved",   "duration": 12.3,   # seconds
                                    # not proved: passed up to a block whose needs this
                                    # machine lacks (handbook/needs.py), not proved after
      "last_green": "2026-11-20T09:00:00+00:00" | null,   # the last run that passed:
                                    # this one, or an earlier one when this one did not
      "cleanup_error": null | "what the chapter's cleanup printed when it failed",
      "machine_error": null | "what the page changed on the reader's machine unsaid",
      "counts": {"passed": 7, "failed": 0, "emulated": 0, "shown": 1, "not run": 0,
                 "not proved": 0},
      "environment": {
        "engine_python": "3.12.1",          # the Python running the engine
        "python": "3.10.13",                # the reader's terminal at the end of the chapter
        "reader_python": "/path/to/python3.10",
        "django": "5.2.8" | null,           # as installed in the reader's terminal
        "postgresql": "16.2" | null, "mariadb": "10.11.6" | null,
        "database_provider": "pgserver" | "testcontainers" | "DATABASE_URL"
                             | "MARIADB_URL" | "sqlite" | null,
        "docker": "28.2.2" | null,          # the daemon's version, null when none answers
        "platform": "Linux x86_64"
      },
      "blocks": [
        {"file": "docs/setup.md", "line": 40, "end_line": 44, "kind": "run",
         "language": "bash",
         "status": "passed" | "failed" | "emulated" | "shown" | "not run" | "not proved",
         "reason": null | "why it was shown, emulated, not run or not proved here;"
                          " for a failed block, its failure's first line, which names"
                          " the page line: docs/setup.md:221: the output differs ...",
         "duration": 0.42}
      ]
    }

Running some chapters replaces their entries and keeps the others, so the report always
covers every chapter that was ever run, each with its own date.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handbook.status import Status

if TYPE_CHECKING:  # the site's macros read reports without the engine's packages
    from handbook.run import ChapterRun

__all__ = [
    "SCHEMA",
    "broke_at",
    "last_green",
    "merge_report",
    "read_report",
    "report_path",
    "run_entry",
    "run_key",
    "variant",
]

SCHEMA = 1
STATUSES = tuple(Status)


def variant(python: str | None = None, database: str | None = None) -> str | None:
    """What a run varied from its chapter's defaults, ``python=3.10``; None for none."""
    parts = [f"python={python}"] if python else []
    parts += [f"database={database}"] if database else []
    return ",".join(parts) or None


def run_key(slug: str, varied: str | None) -> str:
    """A run's key in the report: ``setup``, or ``setup[python=3.10]``."""
    return f"{slug}[{varied}]" if varied else slug


def report_path(root: Path) -> Path:
    """``build/verification.json``, or ``HANDBOOK_REPORT`` for a run that must not be
    mistaken for the handbook's proof (nox -s fresh)."""
    return Path(os.environ.get("HANDBOOK_REPORT") or root / "build" / "verification.json")


def run_entry(run: ChapterRun, variant: str | None) -> dict[str, Any]:
    """The report entry of a finished chapter run."""
    counts = Counter(record.status for record in run.records)
    return {
        "chapter": str(run.chapter.path),
        "slug": run.chapter.slug,
        "variant": variant,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(run.options.root),
        "status": _status(run, counts),
        "cleanup_error": run.cleanup_error,
        "machine_error": run.machine_error,
        "duration": round(sum(r.duration for r in run.records), 2),
        "counts": {status: counts.get(status, 0) for status in STATUSES},
        "environment": run.environment(),
        "blocks": [
            {
                "file": str(r.block.chapter),
                "line": r.block.line,
                "end_line": r.block.end_line,
                "kind": r.block.kind.value,
                "language": r.block.language,
                "status": r.status,
                "reason": r.reason,
                "duration": round(r.duration, 3),
            }
            for r in run.records
        ],
    }


def _status(run: ChapterRun, counts: Counter[Status]) -> Status:
    if counts[Status.FAILED] or counts[Status.NOT_RUN] or run.cleanup_error or run.machine_error:
        return Status.FAILED
    return Status.NOT_PROVED if counts[Status.NOT_PROVED] else Status.PASSED


def read_report(path: Path) -> dict[str, Any]:
    """The report, or an empty one when there is none (or it is from another schema)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"schema": SCHEMA, "runs": {}}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return {"schema": SCHEMA, "runs": {}}
    return data


def merge_report(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Replace the given runs' entries, keep the rest, write atomically. A run that did
    not pass keeps the date of the last one that did (``last_green``).

    A lock file serialises writers, so chapters verified at the same time (two
    terminals, parallel workers) never lose each other's entries.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / ".verification.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = read_report(path)
        for key, entry in entries.items():
            before = report["runs"].get(key)
            passed = entry["status"] == Status.PASSED
            entry["last_green"] = (
                entry["date"] if passed else (last_green(before) if before else None)
            )
        report["runs"].update(entries)
        report["runs"] = dict(sorted(report["runs"].items()))
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(report, indent=2) + "\n")
        os.replace(temporary, path)


def last_green(run: dict[str, Any]) -> str | None:
    """When the run's chapter last passed (entries written before ``last_green`` existed
    know it only when they passed themselves)."""
    if run.get("last_green"):
        return str(run["last_green"])
    return str(run["date"]) if run.get("status") == Status.PASSED else None


def broke_at(run: dict[str, Any]) -> str | None:
    """Where a failed run broke, ``docs/setup.md:221: the output differs ...``: its first
    failed block (the fence line, in reports from before failures were kept), or what its
    cleanup or the reader's machine said; None for a run that did not fail."""
    if run.get("status") != Status.FAILED:
        return None
    for block in run.get("blocks", []):
        if block.get("status") == Status.FAILED:
            return str(block.get("reason") or f"{block['file']}:{block['line']}")
    for problem in ("cleanup_error", "machine_error"):
        if run.get(problem):
            return str(run[problem]).splitlines()[0]
    return f"{run['chapter']}: failed before its first block"


def _git_commit(root: Path) -> str | None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")
