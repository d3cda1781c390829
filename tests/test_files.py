"""A file block is saved where the reader would save it: into a folder that exists."""

from __future__ import annotations

from tests.chapters import Handbook

MKDIR = """\
```bash
mkdir -p apps/shop
```"""


def test_a_file_block_goes_into_a_folder_a_visible_step_made(handbook: Handbook) -> None:
    """The reader's editor saves into folders they made; so does the engine."""
    handbook.chapter_from("files", mkdir=MKDIR)

    result = handbook.run("docs/files.md")

    result.assert_outcomes(passed=4)


def test_a_file_block_into_a_folder_no_step_made_fails_saying_how_to_make_it(
    handbook: Handbook,
) -> None:
    """The engine used to make missing folders itself, which no reader's editor does."""
    handbook.chapter_from("files", mkdir="")
    line = handbook.line_of("files", "path=apps/shop/models.py") + 1

    result = handbook.run("docs/files.md")

    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            f"docs/files.md:{line}: the folder apps/shop does not exist, so a reader cannot "
            "save apps/shop/models.py there: make it by a visible step first (mkdir -p apps/shop)"
        ]
    )
