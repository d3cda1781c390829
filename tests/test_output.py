"""Expected output: a diff when it differs, `...` for what changes, `--update` to accept."""

from __future__ import annotations

from handbook import output
from tests.chapters import Handbook


def test_an_output_mismatch_is_shown_as_a_unified_diff(handbook: Handbook) -> None:
    """The author sees exactly which line of the page differs first, which lines
    changed, and how to accept them."""
    handbook.chapter_from("output-mismatch")
    differs = handbook.line_of("output-mismatch", "See you")
    fence = differs - 2

    result = handbook.run("docs/output-mismatch.md")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/output-mismatch.md:{differs}: the output differs from the page here "
            f"(block at docs/output-mismatch.md:{fence}; run with --update to accept what ran)",
            f"--- expected (docs/output-mismatch.md:{fence})",
            "+++ actual",
            "@@ -1,2 +1,2 @@",
            " Hello, world",
            "-See you",
            "+Goodbye",
        ]
    )


def test_wildcards_match_times_paths_and_whole_lines(handbook: Handbook) -> None:
    """What changes from run to run must not fail the page; everything else must match."""
    handbook.chapter_from("output-wildcards")

    result = handbook.run("docs/output-wildcards.md")

    result.assert_outcomes(passed=4)


def test_update_rewrites_the_output_block_and_the_next_run_passes(handbook: Handbook) -> None:
    """Accepting a new output is one command, and keeps the wildcards that still fit."""
    page = handbook.chapter_from("update")
    before = page.read_text()

    updating = handbook.run("docs/update.md", "--update")
    after = page.read_text()
    again = handbook.run("docs/update.md")

    updating.assert_outcomes(passed=2)
    assert after == before.replace("Version 0.0.0", "Version 1.2.3")
    first = handbook.line_of("update", 'Version 1.2.3"')  # the command; its output follows
    updating.stdout.fnmatch_lines(
        ["*rewritten from what ran (--update)*", f"docs/update.md:{first + 7}-{first + 9}"]
    )
    again.assert_outcomes(passed=2)
    assert handbook.report()["runs"]["update"]["blocks"][1]["status"] == "passed"


def test_without_update_a_mismatching_page_is_left_alone(handbook: Handbook) -> None:
    """Only `--update` may write to the chapter; a plain run never does."""
    page = handbook.chapter_from("update")
    before = page.read_text()

    result = handbook.run("docs/update.md")

    result.assert_outcomes(passed=1, failed=1)
    assert page.read_text() == before


def test_update_keeps_a_wildcard_line_after_a_multi_line_wildcard() -> None:
    """`Took ...s` must survive --update even when `...` above it covered two lines."""
    expected = "start\n...\nTook ...s\nend"
    actual = "start\nx\ny\nTook 3.2s\nEND"

    assert output.updated(expected, actual) == "start\n...\nTook ...s\nEND\n"


def test_a_diff_shows_only_lines_that_really_differ() -> None:
    """Lines covered by `...` are not differences; only `end` -> `END` is."""
    shown = output.diff("start\n...\nend", "start\nx\ny\nEND", "docs/x.md:9")

    assert "+y" not in shown.splitlines()
    assert "+END" in shown.splitlines()


def test_a_dot_leader_is_text_not_a_row_of_wildcards() -> None:
    """pre-commit's `black.....Passed` must match its own dots, and fail fast when it
    does not: 23 wildcards in a row would backtrack for ever on a mismatch."""
    leader = "black" + "." * 67 + "Passed"

    assert output.matches(leader, leader)
    assert not output.matches(leader, "black" + "." * 67 + "Failed")
    assert not output.matches(leader, "black" + "x" * 67 + "Passed")
    assert output.matches("Took ...s.", "Took 3.2s.")


def test_a_long_output_that_does_not_fit_is_told_at_once() -> None:
    """Several `...` lines over thousands of output lines: matched line by line, since one
    regular expression for the block backtracked for minutes before saying no."""
    expected = "...\nline ...\n...\nother ...\n...\nthird ...\n...\nEND"
    actual = "\n".join(f"line {i}" if i % 3 else f"other {i}" for i in range(3000))

    assert not output.matches(expected, actual)
    assert output.matches(expected, actual + "\nthird x\nEND")


def test_update_names_the_lines_it_rewrote_as_they_now_are(handbook: Handbook) -> None:
    """An output that grows moves the blocks below it: each range is where its lines are
    after the rewrite, so `docs/x.md:A-B` opens on them (git diff shows nothing for a
    page git does not track yet)."""
    fence = "```"
    block = f"{fence}bash\n{{}}\n{fence}\n\n<!-- handbook: output -->\n{fence}text\nold\n{fence}\n"
    page = handbook.chapter(
        "grows",
        "# Grows\n\n"
        + block.format("printf 'one\\ntwo\\nthree\\n'")
        + "\n"
        + block.format("echo four"),
    )

    result = handbook.run("docs/grows.md", "--update")

    result.assert_outcomes(passed=4)
    lines = page.read_text().splitlines()
    first, second = lines.index("one") + 1, lines.index("four") + 1
    assert lines[first - 1 : first + 2] == ["one", "two", "three"]
    result.stdout.fnmatch_lines(
        [f"docs/grows.md:{first}-{first + 2}", f"docs/grows.md:{second}-{second}"]
    )
