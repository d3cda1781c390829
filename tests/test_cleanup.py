"""A chapter's cleanup: what outlives its terminal is removed, passed or failed."""

from __future__ import annotations

from tests.chapters import Handbook, exact, workspaces


def test_the_cleanup_runs_in_the_starting_folder_after_a_failure(handbook: Handbook) -> None:
    """The chapter stopped in a sub-folder; the cleanup still starts where the page did."""
    marker = handbook.root / "cleaned-up.txt"
    handbook.chapter_from("cleanup", marker=marker, status="false", cleanup_status="true")

    result = handbook.run("docs/cleanup.md")

    result.assert_outcomes(failed=1, skipped=2)
    cleaned = marker.read_text().splitlines()
    assert len(cleaned) == 1, cleaned
    assert cleaned[0].startswith("cleaned up in /"), cleaned
    assert cleaned[0].endswith("/work"), "the starting folder, not elsewhere/"
    assert handbook.report()["runs"]["cleanup"]["cleanup_error"] is None


def test_the_cleanup_runs_once_after_a_pass(handbook: Handbook) -> None:
    marker = handbook.root / "cleaned-up.txt"
    handbook.chapter_from("cleanup", marker=marker, status="true", cleanup_status="true")

    handbook.run("docs/cleanup.md").assert_outcomes(passed=2, skipped=1)

    assert len(marker.read_text().splitlines()) == 1
    assert handbook.report()["runs"]["cleanup"]["status"] == "passed"


def test_a_failing_cleanup_fails_the_chapter_and_says_so(handbook: Handbook) -> None:
    """Everything else is still torn down; the error names the front matter."""
    marker = handbook.root / "cleaned-up.txt"
    handbook.chapter_from("cleanup", marker=marker, status="true", cleanup_status="exit 3")

    result = handbook.run("docs/cleanup.md")

    result.assert_outcomes(passed=2, skipped=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            exact(
                "docs/cleanup.md:1: the chapter's cleanup failed with exit status 3 "
                "(handbook.cleanup in its front matter; it must be safe to run at any point)"
            ),
            "--- output ---",
            "cleaned up in *",
        ]
    )
    run = handbook.report()["runs"]["cleanup"]
    assert run["status"] == "failed"
    assert "exit status 3" in run["cleanup_error"]
    assert workspaces("cleanup") == []
