"""A mistake in a chapter's source is a collection error at `docs/x.md:LINE`: nothing runs."""

from __future__ import annotations

import pytest

from handbook import emulators
from tests.chapters import Handbook, exact

KINDS = (
    "<!-- handbook: file path=... -->, <!-- handbook: output -->, "
    'or <!-- handbook: shown reason="..." -->'
)
# (what is wrong, the chapter, the line named, a pattern of the message)
MISTAKES = [
    (
        "shown without a reason",
        "# S\n\n<!-- handbook: shown -->\n```bash\nrm -rf /\n```\n",
        3,
        exact("'shown' needs reason=..."),
    ),
    (
        "unclosed fence",
        "# U\n\n```bash\necho hi\n\nMore text.\n",
        3,
        exact("this code block is never closed: add a closing ```"),
    ),
    (
        "unknown directive",
        "# D\n\n<!-- handbook: runn -->\n```bash\necho hi\n```\n",
        3,
        exact("unknown directive 'runn': use one of run, background, output, file, shown, stop"),
    ),
    (
        "unknown option",
        "# O\n\n<!-- handbook: run timout=5 -->\n```bash\necho hi\n```\n",
        3,
        exact("unknown option 'timout' for 'run' (known: ") + "*timeout*)",
    ),
    (
        "option without its value",
        "# V\n\n<!-- handbook: run timeout -->\n```bash\necho hi\n```\n",
        3,
        exact("option 'timeout' needs a value: timeout=..."),
    ),
    (
        "background without a probe",
        "# B\n\n<!-- handbook: background -->\n```bash\nsleep 9\n```\n",
        3,
        exact("'background' needs a readiness probe: probe=URL, port=N or log=TEXT"),
    ),
    (
        "directive not followed by a block",
        "# N\n\n<!-- handbook: run -->\n\nSome prose.\n\n```bash\necho hi\n```\n",
        3,
        exact("a directive must come just before a code block"),
    ),
    (
        "directive at the end of the page",
        "# E\n\n```bash\necho hi\n```\n\n<!-- handbook: run -->\n",
        7,
        exact("a directive must come just before a code block"),
    ),
    (
        "unknown language without a directive",
        "# L\n\n```bash\necho hi\n```\n\n```yaml\nkey: value\n```\n",
        7,
        exact(f"a yaml block needs a directive: {KINDS}"),
    ),
    (
        "no language without a directive",
        "# P\n\n```\nwhat is this?\n```\n",
        3,
        exact(f"a plain block needs a directive: {KINDS}"),
    ),
    (
        "output block first",
        "# F\n\n<!-- handbook: output -->\n```text\nhello\n```\n",
        4,
        exact("an output block must follow the run block whose output it is"),
    ),
    (
        "output block after a shown block",
        '# A\n\n<!-- handbook: shown reason="not here" -->\n```bash\necho hi\n```\n\n'
        "<!-- handbook: output -->\n```text\nhi\n```\n",
        9,
        exact("an output block must follow the run block whose output it is"),
    ),
]


@pytest.mark.parametrize(
    ("chapter", "line", "message"),
    [pytest.param(chapter, line, message, id=what) for what, chapter, line, message in MISTAKES],
)
def test_a_mistake_in_a_chapter_is_a_collection_error_at_its_line(
    handbook: Handbook, chapter: str, line: int, message: str
) -> None:
    """The author learns what is wrong, and where, before a single block has run."""
    handbook.chapter("x", chapter)

    result = handbook.collect("docs/x.md")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting docs/x.md*", f"docs/x.md:{line}: {message}"])


INCLUDE = '# I\n\nThe script:\n\n```bash\n--8<-- "nope.txt"\n```\n'


def test_a_missing_include_is_a_collection_error_at_its_line(handbook: Handbook) -> None:
    """An include that fails open would run (and show) an empty block."""
    handbook.chapter("x", INCLUDE)

    result = handbook.collect("docs/x.md")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*docs/x.md:6: include not found: Snippet at path 'nope.txt' could not be found"]
    )


def test_a_missing_include_names_the_chapter_as_every_other_error_does(
    handbook: Handbook,
) -> None:
    """Errors name `docs/x.md:LINE`, the same on every machine and clickable in an editor."""
    handbook.chapter("x", INCLUDE)

    result = handbook.collect("docs/x.md")

    result.stdout.fnmatch_lines(["docs/x.md:6: include not found: *"])


def test_an_include_is_expanded_before_blocks_are_found(handbook: Handbook) -> None:
    """The bytes the site shows are the bytes that run: the included file is the block."""
    handbook.pytester.makefile(".sh", greet="echo 'hello from the include'\n")
    handbook.chapter(
        "x",
        '# I\n\n```bash\n--8<-- "greet.sh"\n```\n\n<!-- handbook: output -->\n'
        "```text\nhello from the include\n```\n",
    )

    result = handbook.run("docs/x.md")

    result.assert_outcomes(passed=2)


def test_an_included_file_in_a_box_is_written_as_the_site_shows_it(handbook: Handbook) -> None:
    """Inside `??? example` the include is indented, and its final newline with it: the
    file written is the included file, with no blank line the site does not show."""
    (handbook.pytester.path / "greet.py").write_text("print('hello')\n")
    handbook.chapter(
        "x",
        '# I\n\n??? example "greet.py"\n\n    <!-- handbook: file path=greet.py -->\n'
        '    ```python\n    --8<-- "greet.py"\n    ```\n\n'
        "```bash\nwc -l < greet.py\n```\n\n<!-- handbook: output -->\n```text\n1\n```\n",
    )

    result = handbook.run("docs/x.md")

    result.assert_outcomes(passed=3)


def test_every_emulator_the_registry_names_is_a_module_with_the_interface() -> None:
    """emulate=NAME accepts the registry's names: each loads and has both functions."""
    for name in emulators.NAMES:
        emulator = emulators.load(name)
        assert callable(emulator.available), name
        assert callable(emulator.emulate), name
