"""One screen at the end of ``nox``: what each chapter proved, and what this machine could not.

Read from ``build/verification.json`` (schema in ``handbook/report.py``), with the standard
library only: the noxfile prints it, in nox's own Python. Runs older than this ``nox``
are listed apart, with their dates, so an old green never passes for a new one.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["COLUMNS", "summary"]

COLUMNS = ("passed", "emulated", "shown", "not proved", "failed", "not run")
_WIDTH = 34


def summary(report: Path, since: str) -> str:
    """The table of the runs in ``report`` dated ``since`` (ISO 8601) or later."""
    try:
        runs: dict[str, Any] = json.loads(report.read_text())["runs"]
    except (OSError, ValueError, KeyError):
        return f"no chapter was verified: {report} is missing or unreadable"
    now = {key: run for key, run in runs.items() if run["date"] >= since}
    lines = [_header(), *_rows(now)]
    lines.append(_row("total", _total(now.values()), sum(r["duration"] for r in now.values())))
    lines += _not_proved(now)
    earlier = sorted(key for key in runs if key not in now)
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
    total = dict.fromkeys(COLUMNS, 0)
    for run in runs:
        for column in COLUMNS:
            total[column] += run["counts"].get(column, 0)
    return total


def _not_proved(runs: dict[str, Any]) -> list[str]:
    """Why each chapter that was not proved to its end was not, with what to install."""
    reasons = []
    for key, run in runs.items():
        first = next((b for b in run["blocks"] if b["status"] == "not proved"), None)
        if first is not None:
            reasons.append(f"  {key}: {first['reason']}")
    return ["not proved on this machine:", *reasons] if reasons else []
