"""A page's macros: rendered before blocks run, errors named by line, kept by --update."""

from __future__ import annotations

import pytest

from tests.chapters import Handbook, exact


def test_a_block_runs_with_its_macros_rendered(handbook: Handbook) -> None:
    """The command and its expected output read the versions the pins give."""
    handbook.pins(django="9.9.9", python="3.99", postgresql="77")
    handbook.chapter_from("macros", new_line="same", old_line="same")

    result = handbook.run("docs/macros.md")

    result.assert_outcomes(passed=2)


def test_changing_a_pin_changes_what_the_page_expects(handbook: Handbook) -> None:
    """With Django pinned elsewhere, the same page expects that version and still passes;
    the output block is checked against the rendered value, not the literal macro."""
    handbook.pins(django="1.2.3")
    handbook.chapter_from("macros", new_line="same", old_line="same")
    page = handbook.root / "docs" / "macros.md"
    page.write_text(
        page.read_text().replace('Django {{ version("django") }} (', "Django 9.9.9 (", 1)
    )

    result = handbook.run("docs/macros.md")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Django 1.2.3 (1.2) on Python 3.99*"])


def test_update_keeps_the_macros_of_lines_that_still_fit(handbook: Handbook) -> None:
    """`--update` writes the new line, and the templated lines stay templated."""
    handbook.pins()
    page = handbook.chapter_from("macros", new_line="fresh", old_line="stale")
    before = page.read_text()

    handbook.run("docs/macros.md", "--update").assert_outcomes(passed=2)

    assert page.read_text() == before.replace("\nstale\n", "\nfresh\n")
    handbook.run("docs/macros.md").assert_outcomes(passed=2)


# A page that cannot be rendered, and the error collection reports (fnmatch pattern).
BAD_PAGES = {
    "unknown name": (
        'echo {{ verison("django") }}',
        "*"
        + exact("docs/bad.md:4: macro failed: 'verison' is undefined (a page can name: ")
        + "*pin, postgresql, proof, python, requirement, series, verification_table, version)",
    ),
    "unpinned package": (
        'echo {{ pin("left-pad") }}',
        "*docs/bad.md:4: macro failed: no pin for 'left-pad' in "
        "sample_project/requirements.txt*versions.toml [[]tools[]]*",
    ),
    # `${#name}` opens a Jinja comment: the site would mangle the line.
    "bash braces": (
        "echo ${#HOME}",
        "*docs/bad.md:4: macro syntax: Missing end of comment tag (braces that are not "
        "macros*go between {% raw %} and {% endraw %})",
    ),
    # Line numbers in errors must stay true, so a page keeps its line count.
    "lines removed": (
        "{% if false %}\ngone\n{% endif %}",
        "*docs/bad.md:1: macros changed the number of lines*",
    ),
}


@pytest.mark.parametrize("case", BAD_PAGES)
def test_a_page_whose_macros_cannot_render_is_an_error_naming_its_line(
    handbook: Handbook, case: str
) -> None:
    code, error = BAD_PAGES[case]
    handbook.pins()
    handbook.chapter("bad", f"# Bad\n\n```bash\n{code}\n```\n")

    result = handbook.collect("docs/bad.md")

    result.stdout.fnmatch_lines([error])


def test_a_missing_version_file_is_named(handbook: Handbook) -> None:
    """A page with macros in a repository without versions.toml says which file it lacks."""
    handbook.pins()
    (handbook.root / "versions.toml").unlink()
    handbook.chapter("lost", "# Lost\n\n```bash\necho {{ postgresql }}\n```\n")

    result = handbook.collect("docs/lost.md")

    result.stdout.fnmatch_lines(
        ["*docs/lost.md:1: macros cannot read the versions (FileNotFoundError: *versions.toml')"]
    )
