"""One screen at the end of ``nox``: what each chapter proved, and what this machine could not.

Read from ``build/verification.json`` (schema in ``handbook/report.py``), with the standard
library only: the noxfile prints it, in nox's own Python. Runs older than this ``nox``
are listed apart, with their dates, so an old green never passes for a new one.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from handbook.status import Status

__all__ = ["COLUMNS", "summary"]

COLUMNS = (
    Status.PASSED,
    Status.EMULATED,
    Status.SHOWN,
    Status.NOT_PROVED,
    Status.FAILED,
    Status.NOT_RUN,
)
_WIDTH = 34


def summary(report: Path, since: str, reused: Mapping[str, str] | None = None) -> str:
    """The table of the runs in ``report`` dated ``since`` (ISO 8601) or later.

    ``reused``: what this nox reused, its inputs unchanged since its last green proof
    (handbook/proofs.py), with that proof's date: report entries, shown in the table as
    ``reused``, and sessions that write none.
    """
    reused = reused or {}
    try:
        runs: dict[str, Any] = json.loads(report.read_text())["runs"]
    except (OSError, ValueError, KeyError):
        if not reused:
            return f"no chapter was verified: {report} is missing or unreadable"
        runs = {}
    now = {key: run for key, run in runs.items() if run["date"] >= since}
    kept = {key: {**runs[key], "status": "reused"} for key in reused if key in runs}
    shown = {**now, **kept}
    lines = [_header(), *_rows(now), *_rows(kept)]
    lines.append(_row("total", _total(shown.values()), sum(r["duration"] for r in shown.values())))
    lines += _not_proved(now)
    if reused:
        lines.append("reused, their inputs unchanged since their last green proof:")
        lines += [f"  {name}: from {date}" for name, date in sorted(reused.items())]
        lines.append("  (HANDBOOK_FORCE=1 nox proves everything again)")
    earlier = sorted(key for key in runs if key not in shown)
    if earlier:
        dates = ", ".join(f"{key} {runs[key]['date'][:10]}" for key in earlier)
        lines.append(textwrap.fill(f"earlier runs, not repeated by this nox: {dates}", 100))
    return "\n".join(lines)


def _header() -> str:
    cells = "".join(f"{name:>11}" for name in COLUMNS)
    return f"{'chapter':<{_WIDTH}}{'status':<12}{cells}{'time':>8}"


def _rows(runs: dict[str, Any]) -> list[str]:
    return [_row(key, run["counts"], run["duration"], run["status"]) for key, run in runs.items()]


def _row(name: str, counts: dict[str, int], seconds: float, status: str = "") -> str:
    cells = "".join(f"{counts.get(column, 0):>11}" for column in COLUMNS)
    return f"{name:<{_WIDTH}}{status:<12}{cells}{seconds:>7.0f}s"


def _total(runs: Iterable[dict[str, Any]]) -> dict[str, int]:
    total = {column.value: 0 for column in COLUMNS}
    for run in runs:
        for column in COLUMNS:
            total[column] += run["counts"].get(column, 0)
    return total


def _not_proved(runs: dict[str, Any]) -> list[str]:
    """Why each chapter that was not proved to its end was not, with what to install."""
    reasons = []
    for key, run in runs.items():
        first = next((b for b in run["blocks"] if b["status"] == Status.NOT_PROVED), None)
        if first is not None:
            reasons.append(f"  {key}: {first['reason']}")
    return ["not proved on this machine:", *reasons] if reasons else []
