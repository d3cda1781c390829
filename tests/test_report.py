"""`build/verification.json`: when and how each chapter was proved (schema in report.py)."""

from __future__ import annotations

import datetime
import platform
from pathlib import Path
from typing import Any

import pytest

from handbook.report import report_path
from handbook.site_macros import STALE_DAYS, canary_summary, table
from tests.chapters import Handbook

RUN_KEYS = {
    "chapter",
    "slug",
    "variant",
    "date",
    "last_green",
    "git_commit",
    "status",
    "cleanup_error",
    "machine_error",
    "duration",
    "counts",
    "environment",
    "blocks",
}
BLOCK_KEYS = {"file", "line", "end_line", "kind", "language", "status", "reason", "duration"}
ENVIRONMENT_KEYS = {
    "engine_python",
    "python",
    "reader_python",
    "django",
    "postgresql",
    "mariadb",
    "database_provider",
    "docker",
    "platform",
}


def test_the_report_has_the_documented_schema_and_counts_every_status(
    handbook: Handbook,
) -> None:
    """The site's verification page is built from this file; its shape is a contract."""
    handbook.chapter_from("report-a")
    lines = [
        handbook.line_of("report-a", text) - 1
        for text in ('echo "passes"', "rm -rf", "false", 'echo "not run"')
    ]

    handbook.run("docs/report-a.md").assert_outcomes(passed=1, failed=1, skipped=2)
    report = handbook.report()

    assert set(report) == {"schema", "runs"}
    assert report["schema"] == 1
    assert list(report["runs"]) == ["report-a"]
    run = report["runs"]["report-a"]
    assert set(run) == RUN_KEYS
    assert run["chapter"] == "docs/report-a.md"
    assert run["slug"] == "report-a"
    assert run["variant"] is None
    assert datetime.datetime.fromisoformat(run["date"]).tzinfo is not None
    assert run["git_commit"] is None  # the throwaway project is not a git repository
    assert run["status"] == "failed"
    assert run["counts"] == {
        "passed": 1,
        "failed": 1,
        "emulated": 0,
        "shown": 1,
        "not run": 1,
        "not proved": 0,
    }
    assert isinstance(run["duration"], float)
    assert [set(block) for block in run["blocks"]] == [BLOCK_KEYS] * 4
    assert [(b["line"], b["status"], b["reason"]) for b in run["blocks"]] == [
        (lines[0], "passed", None),
        (lines[1], "shown", "it would wipe the reader's disk"),
        (lines[2], "failed", f"docs/report-a.md:{lines[2] + 1}: command failed with exit status 1"),
        (lines[3], "not run", f"docs/report-a.md:{lines[2]} failed"),
    ]
    assert [b["kind"] for b in run["blocks"]] == ["run", "shown", "run", "run"]
    assert {(b["file"], b["language"]) for b in run["blocks"]} == {("docs/report-a.md", "bash")}
    assert [b["end_line"] - b["line"] for b in run["blocks"]] == [2, 2, 2, 2]
    environment = run["environment"]
    assert environment["engine_python"] == platform.python_version()
    assert environment["python"] == platform.python_version()  # the reader's default: ours
    assert Path(environment["reader_python"]).is_file()
    assert environment["django"] is None
    assert environment["platform"] == f"{platform.system()} {platform.machine()}"


def test_every_run_has_every_documented_environment_key(handbook: Handbook) -> None:
    """Readers of the report (the site's macros) should not have to guess which keys exist."""
    handbook.chapter_from("report-b")

    handbook.run("docs/report-b.md").assert_outcomes(passed=1)

    environment = handbook.report()["runs"]["report-b"]["environment"]
    assert set(environment) == ENVIRONMENT_KEYS
    assert environment["postgresql"] is None
    assert environment["database_provider"] is None


def test_running_one_chapter_keeps_the_entries_of_the_others(handbook: Handbook) -> None:
    """`nox -s setup` must not erase what `nox -s database` proved yesterday."""
    handbook.chapter_from("report-a")
    handbook.chapter_from("report-b")

    handbook.run("docs/report-a.md").assert_outcomes(passed=1, failed=1, skipped=2)
    first = handbook.report()
    handbook.run("docs/report-b.md").assert_outcomes(passed=1)
    second = handbook.report()

    assert list(second["runs"]) == ["report-a", "report-b"]
    assert second["runs"]["report-a"] == first["runs"]["report-a"]
    assert second["runs"]["report-b"]["status"] == "passed"
    assert second["runs"]["report-b"]["counts"]["passed"] == 1


def test_a_run_that_is_not_the_proof_writes_its_report_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nox -s fresh proves what a fresh machine gets; its gaps must not become the page's."""
    monkeypatch.setenv("HANDBOOK_REPORT", str(tmp_path / "fresh.json"))
    assert report_path(tmp_path / "repo") == tmp_path / "fresh.json"
    monkeypatch.delenv("HANDBOOK_REPORT")
    assert report_path(tmp_path / "repo") == tmp_path / "repo" / "build" / "verification.json"


def test_a_failed_run_keeps_the_date_of_the_last_green_one(handbook: Handbook) -> None:
    """The verification page says when a chapter was last proved green, even after a red run."""
    handbook.chapter("flaky", "# Flaky\n\n```bash\ntrue\n```\n")
    handbook.run("docs/flaky.md").assert_outcomes(passed=1)
    green = handbook.report()["runs"]["flaky"]

    handbook.chapter("flaky", "# Flaky\n\n```bash\nfalse\n```\n")  # the world moved
    handbook.run("docs/flaky.md").assert_outcomes(failed=1)
    red = handbook.report()["runs"]["flaky"]

    assert green["last_green"] == green["date"]
    assert red["status"] == "failed"
    assert red["last_green"] == green["date"]


def test_the_verification_page_marks_a_chapter_stale_after_two_weeks_without_green() -> None:
    def run(slug: str, status: str, last_green: str | None) -> dict[str, object]:
        counts = dict.fromkeys(("passed", "failed", "emulated", "shown", "not run"), 0)
        environment = {"python": "3.12.1"}
        return {"slug": slug, "variant": None, "status": status, "counts": counts,
                "environment": environment, "date": "2026-12-01T09:00:00+00:00",
                "last_green": last_green}  # fmt: skip

    runs = {
        "fresh": run("fresh", "passed", "2026-12-01T09:00:00+00:00"),
        "edge": run("edge", "failed", f"2026-11-{31 - STALE_DAYS:02}T09:00:00+00:00"),
        "old": run("old", "failed", "2026-11-10T09:00:00+00:00"),
        "red": run("red", "failed", None),
    }
    chapters = [("Fresh", "fresh"), ("Edge", "edge"), ("Old", "old"), ("Red", "red")]

    shown = table(runs, chapters, today="2026-12-01")

    assert _column(shown, "Last green") == [
        "2026-12-01",
        f"2026-11-{31 - STALE_DAYS:02}",
        "2026-11-10 **stale**",
        "**never**",
    ]


def _column(table_text: str, name: str) -> list[str]:
    """The cells of column ``name`` of a Markdown table, one per row."""
    header, _, *rows = table_text.splitlines()
    index = [cell.strip() for cell in header.split("|")].index(name)
    return [row.split("|")[index].strip() for row in rows]


def test_the_verification_page_shows_each_canary_line_per_chapter() -> None:
    def run(slug: str, status: str, variant: str | None = None) -> dict[str, Any]:
        counts = dict.fromkeys(("passed", "failed", "emulated", "shown", "not run"), 0)
        reason = f"docs/{slug}.md:56: the output differs" if status == "failed" else None
        blocks = [{"file": f"docs/{slug}.md", "line": 55, "status": status, "reason": reason}]
        return {"slug": slug, "chapter": f"docs/{slug}.md", "variant": variant,
                "status": status, "counts": counts, "blocks": blocks,
                "environment": {"python": "3.13.0", "django": "6.0.1"},
                "date": "2026-12-01T09:00:00+00:00", "last_green": None}  # fmt: skip

    pinned = {"testing": run("testing", "passed"), "setup": run("setup", "passed"),
              "setup[python=3.10]": run("setup", "passed", "python=3.10")}  # fmt: skip
    canary = {
        "lts": {"runs": {"testing": run("testing", "passed"), "setup": run("setup", "passed")}},
        "newest": {
            "runs": {"testing": run("testing", "failed")},
            "not_set_up": ["setup"],
            "moved": {"django": ["5.2.19", "6.0.1"]},
            "date": "2026-12-01T09:00:00+00:00",
            "python": "3.13",
        },
    }
    chapters = [("Setup", "setup"), ("Testing", "testing"), ("Git", "git")]

    shown = _column(table(pinned, chapters, "2026-12-01", canary), "Canary")

    assert shown == [
        "lts: passes; newest: **breaks at its set-up (see the log)**",
        "",  # setup's second run: said once per chapter
        "lts: passes; newest: **breaks at docs/testing.md:56**",
        "",  # git: no canary run
    ]
    assert canary_summary({"newest": canary["newest"]}) == (
        "- **newest**, 2026-12-01, Python 3.13, Django 6.0.1: django 5.2.19 → 6.0.1."
    )
    assert canary_summary({}) == "*The canary has not run here yet: `nox -s canary`.*"
