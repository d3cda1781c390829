"""A chapter is one terminal: state carries over, failures are told at their own line."""

from __future__ import annotations

import time
import uuid

from tests.chapters import Handbook, exact, excerpt_row, kill_all, processes_matching


def test_cwd_variables_and_functions_carry_across_blocks(handbook: Handbook) -> None:
    """A reader's shell keeps its directory, variables and functions between commands."""
    handbook.chapter_from("state")

    result = handbook.run("docs/state.md")

    result.assert_outcomes(passed=8)


def test_an_activated_virtualenv_stays_active_in_later_blocks(handbook: Handbook) -> None:
    """`source v/bin/activate` in one block must hold for every `python` after it."""
    handbook.chapter_from("venv")

    result = handbook.run("docs/venv.md")

    result.assert_outcomes(passed=6)


def test_a_failing_command_is_reported_at_its_own_line(handbook: Handbook) -> None:
    """The reader is sent to the exact line that broke, with its status and output."""
    handbook.chapter_from("failing")
    fence = handbook.line_of("failing", "seq 1 45") - 1
    failing = handbook.line_of("failing", "exit 3")
    later = handbook.line_of("failing", 'echo "never run"') - 1

    result = handbook.run("docs/failing.md")

    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/failing.md:{failing}: command failed with exit status 3",
            excerpt_row(failing - 1, "seq 1 45"),
            excerpt_row(failing, "sh -c 'echo \"something went wrong\" >&2; exit 3'", marked=True),
            excerpt_row(failing + 1, 'echo "never printed"'),
            "--- output ---",
            exact("[... 6 earlier lines ...]"),
            "7",
            "*",
            "45",
            "something went wrong",
        ]
    )
    result.stdout.no_fnmatch_line("never printed")
    result.stdout.fnmatch_lines(
        [f"SKIPPED [[]1] docs/failing.md:{later}: not run: docs/failing.md:{fence} failed"]
    )


def test_a_failure_inside_a_sourced_script_marks_the_line_that_sourced_it(
    handbook: Handbook,
) -> None:
    """`source ./script.sh` failing on its line 2 must not blame the block's line 2."""
    handbook.chapter(
        "sourced",
        "# Sourced\n\n"
        "```bash\n"
        "printf 'echo in script\\nfalse\\n' > script.sh\n"
        "echo one\n"
        "echo two\n"
        "source ./script.sh\n"
        "```\n",
    )
    line = handbook.line_of("sourced", "source ./script.sh")

    result = handbook.run("docs/sourced.md")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/sourced.md:{line}: command failed with exit status 1",
            excerpt_row(line, "source ./script.sh", marked=True),
        ]
    )


def test_a_failure_inside_an_earlier_function_marks_the_line_that_called_it(
    handbook: Handbook,
) -> None:
    """The line to blame is the call the reader typed, not the block's last line."""
    handbook.chapter(
        "function",
        "# Function\n\n"
        "```bash\n"
        "check() {\n"
        "  false\n"
        "}\n"
        "```\n\n"
        "```bash\n"
        "echo before\n"
        "check  # the call\n"
        "echo after\n"
        "```\n",
    )
    line = handbook.line_of("function", "check  # the call")

    result = handbook.run("docs/function.md")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/function.md:{line}: command failed with exit status 1",
            excerpt_row(line, "check  # the call", marked=True),
        ]
    )


def test_a_block_marked_fails_must_fail(handbook: Handbook) -> None:
    """Showing an error on purpose is part of a chapter; promising one that never comes is wrong."""
    handbook.chapter_from("expected-failure")
    handbook.chapter_from("unexpected-success")
    fence = handbook.line_of("unexpected-success", "all is well") - 1

    result = handbook.run("docs/expected-failure.md", "docs/unexpected-success.md", "-v")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "docs/expected-failure.md::*-* PASSED*",
            "docs/expected-failure.md::*-* PASSED*",
            f"docs/unexpected-success.md::{fence}-* FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"docs/unexpected-success.md:{fence}: "
            "was expected to fail, but succeeded (exit status 0)",
            excerpt_row(fence + 1, 'echo "all is well"'),
        ]
    )


def test_exit_option_checks_the_exact_status(handbook: Handbook) -> None:
    """`exit=2` passes on status 2 and fails on any other failure status."""
    handbook.chapter_from("exit-status")
    second = handbook.line_of("exit-status", "exit 3") - 1

    result = handbook.run("docs/exit-status.md")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [f"docs/exit-status.md:{second}: was expected to exit with status 2, but exited 3"]
    )


def test_a_timeout_is_reported_at_the_block_and_ends_it_promptly(handbook: Handbook) -> None:
    """A hung command must not hang the verification, nor outlive it; the report says where."""
    seconds = f"30.{uuid.uuid4().int % 10**6:06d}"  # a command line no one else has
    handbook.chapter_from("timeout", seconds=seconds)
    fence = handbook.line_of("timeout", 'echo "waiting"') - 1
    started = time.monotonic()

    result = handbook.run("docs/timeout.md")

    took = time.monotonic() - started
    leftovers = processes_matching("sleep", seconds)
    kill_all(leftovers)
    assert took < 15
    assert leftovers == {}
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/timeout.md:{fence}: timed out after 1s (set timeout=N)",
            excerpt_row(fence + 1, 'echo "waiting"'),
            excerpt_row(fence + 2, f"sleep {seconds}"),
            "--- output ---",
            "waiting",
        ]
    )


def test_a_variable_no_step_set_fails_at_its_line_and_says_so(handbook: Handbook) -> None:
    """A reader's terminal reads it as empty, silently; the page must set it visibly."""
    handbook.chapter_from("unset-variable")
    line = handbook.line_of("unset-variable", "SECRET_KEY=$SECRET_KEY")

    result = handbook.run("docs/unset-variable.md")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            exact(
                f"docs/unset-variable.md:{line}: $SECRET_KEY is read, but no step before it "
                "set it: a reader's terminal would quietly give an empty value. Set it by a "
                "visible step first (export SECRET_KEY=...), or write ${SECRET_KEY-} where "
                "empty is meant"
            ),
        ]
    )


def test_sigpipe_upstream_of_a_finished_pipe_is_not_a_failure_but_a_real_one_is(
    handbook: Handbook,
) -> None:
    handbook.chapter_from("pipes")
    line = handbook.line_of("pipes", "exit 3")

    result = handbook.run("docs/pipes.md")

    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines([exact(f"docs/pipes.md:{line}: command failed with exit status 3")])
    assert "never run" not in result.stdout.str().split("--- output ---")[-1]


def test_a_block_that_reads_its_input_fails_saying_the_terminal_has_none(
    handbook: Handbook,
) -> None:
    handbook.chapter_from("stdin")
    line = handbook.line_of("stdin", "read -r")

    result = handbook.run("docs/stdin.md")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            exact(
                f"docs/stdin.md:{line}: command failed with exit status 1; it read its standard "
                "input, and a page's terminal has none (as if the reader pressed Ctrl-D at "
                "once). Give the input on the page: a here-document (<<'EOF'), `yes |` or "
                "`printf 'answer\\n' |`, or the command's option for no questions "
                "(--noinput, --yes)"
            )
        ]
    )


def test_a_failure_that_read_no_input_says_nothing_of_input(handbook: Handbook) -> None:
    handbook.chapter_from("failing")

    result = handbook.run("docs/failing.md")

    assert "standard input" not in result.stdout.str()
