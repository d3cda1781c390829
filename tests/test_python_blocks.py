"""Python blocks: run by the terminal's interpreter, held to the project's format and lint."""

from __future__ import annotations

from tests.chapters import Handbook, excerpt_row

# Written here, not in tests/fixtures/: `ruff format` formats Markdown and would fix it.
UNFORMATTED = """\
# A Python block black would reformat

```python
total=1+2
print(total)
```
"""


def test_a_python_block_runs_in_the_terminals_virtualenv_and_directory(
    handbook: Handbook,
) -> None:
    """A reader's Python is the one their terminal has: the active venv, in their folder."""
    handbook.chapter_from("python")

    result = handbook.run("docs/python.md")

    result.assert_outcomes(passed=3)


def test_a_failing_python_block_is_reported_at_the_line_that_raised(handbook: Handbook) -> None:
    """The traceback's line in the block is the line the reader is sent to."""
    handbook.chapter_from("python-failing")
    line = handbook.line_of("python-failing", "numbers[5]")

    result = handbook.run("docs/python-failing.md")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/python-failing.md:{line}: command failed with exit status 1",
            excerpt_row(line - 1, "numbers = [1, 2, 3]"),
            excerpt_row(line, "print(numbers[5])", marked=True),
            excerpt_row(line + 1, 'print("never printed")'),
            "--- output ---",
            "Traceback (most recent call last):",
            "*",
            "IndexError: list index out of range",
        ]
    )


def test_an_unformatted_python_block_fails_with_the_formatters_diff(handbook: Handbook) -> None:
    """Code on the page follows the same rules as the project's own code."""
    handbook.chapter("python-unformatted", UNFORMATTED)
    fence = handbook.line_of("python-unformatted", "```python")

    result = handbook.run("docs/python-unformatted.md")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/python-unformatted.md:{fence}: the Python block is not clean",
            "black failed:",
            "*-total=1+2",
            "*+total = 1 + 2",
        ]
    )


def test_an_unlinted_python_block_fails_naming_the_line_of_the_page(handbook: Handbook) -> None:
    """An unused import on the page is a mistake a reader would copy. The reader is sent
    to the page line that has it, not to line 1 of stdin."""
    handbook.chapter_from("python-unlinted")
    line = handbook.line_of("python-unlinted", "import os")

    result = handbook.run("docs/python-unlinted.md")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/python-unlinted.md:{line - 1}: the Python block is not clean",
            "ruff failed:",
            f"*docs/python-unlinted.md:{line}:8: F401*`os` imported but unused",
        ]
    )


def test_a_python_block_imports_modules_from_the_terminals_directory(handbook: Handbook) -> None:
    """A reader who types Python in their project folder can import the project's modules."""
    handbook.chapter_from("python-import")

    result = handbook.run("docs/python-import.md")

    result.assert_outcomes(passed=2)


def test_a_python_block_that_would_not_paste_at_the_prompt_fails_at_its_line(
    handbook: Handbook,
) -> None:
    """As a file it runs; typed at the classic prompt (3.10 to 3.12), `print` is a
    syntax error, because only an empty line ends the `for` block."""
    handbook.chapter_from("python-unpasteable")
    line = handbook.line_of("python-unpasteable", "print(total)")

    result = handbook.run("docs/python-unpasteable.md")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/python-unpasteable.md:{line}: pasted at Python's prompt, this line is a "
            "syntax error: put an empty line before it, to end the indented block above"
        ]
    )
