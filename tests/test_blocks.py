"""Finding blocks where Material puts them: admonitions, collapsibles, tabs, unusual fences."""

from __future__ import annotations

from tests.chapters import Handbook

IN_A_LIST = """\
# Steps

1. Say hello:

    ```bash
    echo hello
    ```

    <!-- handbook: output -->
    ```text
    hello
    ```
"""


def test_blocks_in_containers_and_unusual_fences_are_found_and_run(handbook: Handbook) -> None:
    """A block the engine cannot see is a block nobody proves."""
    handbook.chapter_from("containers")
    found = [
        handbook.line_of("containers", text) - 1
        for text in ("echo admonition", "echo collapsible", "echo linux", "echo macos")
    ]
    tildes = handbook.line_of("containers", "echo tildes") - 1
    long_open = handbook.line_of("containers", "cat > nested.md") - 1
    [long_close] = handbook.lines_equal_to("containers", "````")  # not the inner ```

    result = handbook.run("docs/containers.md", "-v")

    result.assert_outcomes(passed=7, skipped=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/containers.md::{found[0]}-{found[0] + 2} PASSED*",
            f"docs/containers.md::{found[1]}-{found[1] + 2} PASSED*",
            f"docs/containers.md::{found[2]}-{found[2] + 2} PASSED*",
            f"docs/containers.md::{found[3]}-{found[3] + 2} SKIPPED*",
            f"docs/containers.md::{tildes}-{tildes + 2} PASSED*",
            f"docs/containers.md::{long_open}-{long_close} PASSED*",
        ]
    )


def test_blocks_inside_a_list_item_run_without_the_items_indentation(handbook: Handbook) -> None:
    """Numbered steps with code are the commonest shape of a how-to page."""
    handbook.chapter("steps", IN_A_LIST)

    result = handbook.run("docs/steps.md")

    result.assert_outcomes(passed=2)
