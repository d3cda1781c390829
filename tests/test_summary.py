"""The summary at the end of nox: this run's chapters, what they proved, what they could not."""

from __future__ import annotations

import json
from pathlib import Path

from handbook.summary import summary


def _run(date: str, status: str, **counts: int) -> dict[str, object]:
    blocks = [{"status": "passed", "reason": None}] * counts.get("passed", 0)
    blocks += [
        {"status": "not proved", "reason": "not proved here: needs nginx (apt)"}
    ] * counts.get("not proved", 0)
    return {"date": date, "status": status, "duration": 12.4, "counts": counts, "blocks": blocks}


def test_this_runs_chapters_with_their_counts_what_was_not_proved_and_older_entries_apart(
    tmp_path: Path,
) -> None:
    report = tmp_path / "verification.json"
    runs = {
        "deployment": _run(
            "2026-11-30T10:05:00+00:00", "not proved", passed=3, **{"not proved": 2}
        ),
        "git": _run("2026-11-30T10:01:00+00:00", "passed", passed=5),
        "setup": _run("2026-11-29T09:00:00+00:00", "passed", passed=9),
    }
    report.write_text(json.dumps({"schema": 1, "runs": runs}))

    lines = summary(report, since="2026-11-30T10:00:00+00:00").splitlines()

    assert lines[0].split() == [
        "chapter", "status", "passed", "emulated", "shown", "not", "proved", "failed", "not",
        "run", "time",
    ]  # fmt: skip
    assert lines[1].split() == ["deployment", "not", "proved", "3", "0", "0", "2", "0", "0", "12s"]
    assert lines[2].split() == ["git", "passed", "5", "0", "0", "0", "0", "0", "12s"]
    assert lines[3].split() == ["total", "8", "0", "0", "2", "0", "0", "25s"]
    assert lines[4:6] == [
        "not proved on this machine:",
        "  deployment: not proved here: needs nginx (apt)",
    ]
    assert lines[6] == "earlier runs, not repeated by this nox: setup 2026-11-29"


def test_without_a_report_it_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "verification.json"

    assert (
        summary(missing, since="2026-11-30")
        == f"no chapter was verified: {missing} is missing or unreadable"
    )


def test_what_this_nox_reused_is_said_with_the_date_of_its_proof(tmp_path: Path) -> None:
    report = tmp_path / "verification.json"
    runs = {
        "git": _run("2026-11-30T10:01:00+00:00", "passed", passed=5),
        "setup": _run("2026-11-29T09:00:00+00:00", "passed", passed=9),
        "structure": _run("2026-11-28T09:00:00+00:00", "passed", passed=4),
    }
    report.write_text(json.dumps({"schema": 1, "runs": runs}))
    reused = {"setup": "2026-11-29T09:00:00+00:00", "lint": "2026-11-29T08:00:00+00:00"}

    lines = summary(report, since="2026-11-30T10:00:00+00:00", reused=reused).splitlines()

    assert lines[1].split() == ["git", "passed", "5", "0", "0", "0", "0", "0", "12s"]
    assert lines[2].split() == ["setup", "reused", "9", "0", "0", "0", "0", "0", "12s"]
    assert lines[3].split() == ["total", "14", "0", "0", "0", "0", "0", "25s"]
    assert lines[4:8] == [
        "reused, their inputs unchanged since their last green proof:",
        "  lint: from 2026-11-29T08:00:00+00:00",
        "  setup: from 2026-11-29T09:00:00+00:00",
        "  (HANDBOOK_FORCE=1 nox proves everything again)",
    ]
    assert lines[8] == "earlier runs, not repeated by this nox: structure 2026-11-28"
