"""Every page starts from the reader's machine, and must leave it as it found it."""

from __future__ import annotations

import pytest

from tests.chapters import Handbook


def test_a_page_starts_with_the_readers_profile_identity_and_files(handbook: Handbook) -> None:
    """The reader has their own git identity and HOME: pages use them, never set them."""
    handbook.chapter_from("home", change='git config --global user.name | grep -qx "Ada Lovelace"')

    result = handbook.run("docs/home.md")

    result.assert_outcomes(passed=4)


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ('git config --global user.name "Someone Else"', "~/.gitconfig: changed"),
        ("rm ~/notes.txt", "~/notes.txt: removed"),
        ("echo 'export PATH=$PATH:/opt/x' >> ~/.bashrc", "~/.bashrc: changed"),
        ("touch ~/.handbook-was-here", "~/.handbook-was-here: added"),
    ],
)
def test_a_page_that_changes_the_readers_home_unsaid_fails(
    handbook: Handbook, change: str, reported: str
) -> None:
    """Global git config, the profile, the reader's files: a page may not touch them quietly."""
    handbook.chapter_from("home", change=change)

    result = handbook.run("docs/home.md")

    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/home.md:1: the page changed the reader's machine and does not say so:",
            f"  {reported}",
        ]
    )
    run = handbook.report()["runs"]["home"]
    assert run["status"] == "failed"
    assert reported in run["machine_error"]


def test_a_change_the_page_declares_passes_and_caches_are_not_changes(
    handbook: Handbook,
) -> None:
    """~/backups is declared in the front matter; ~/.cache is the tools' own."""
    handbook.chapter_from("home", change="mkdir -p ~/.cache/tool && touch ~/.cache/tool/x")

    result = handbook.run("docs/home.md")

    result.assert_outcomes(passed=4)
    assert handbook.report()["runs"]["home"]["machine_error"] is None


PYTHONS = """\
# Which Pythons a new terminal has

```bash
python3 -c 'print("python3 answers")'
```

<!-- handbook: output -->
```text
python3 answers
```

<!-- handbook: run exit=127 -->
```bash
python -c 'print("python answers")'
```

<!-- handbook: output -->
```text
python: command not found (a reader's machine has python3 and pip3; python only ...)
```

```bash
python3 -m venv .venv && source .venv/bin/activate
python -c 'print("python answers in a virtualenv")'
```

<!-- handbook: output -->
```text
python answers in a virtualenv
```
"""


def test_python_answers_only_in_a_virtualenv_as_on_debian(handbook: Handbook) -> None:
    """A page that types `python` before activating would fail on a reader's Ubuntu."""
    handbook.chapter("pythons", PYTHONS)

    result = handbook.run("docs/pythons.md")

    result.assert_outcomes(passed=6)
