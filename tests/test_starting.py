"""A page's front matter is shown as its starting point, and the engine runs what it shows."""

from __future__ import annotations

from handbook.settings import Settings
from handbook.starting import anchor, starting_point
from tests.chapters import Handbook

ON_A_SERVER = """\
---
handbook:
  database: postgresql
---

# A page on the reader's server

## Before you start

```bash
echo "the page's own first step"
```
"""


def test_the_server_check_runs_under_before_you_start(handbook: Handbook) -> None:
    """The reader's first step is the check the site shows; a failure names the front matter."""
    handbook.chapter("server", ON_A_SERVER)

    handbook.run("docs/server.md").assert_outcomes(passed=3)

    blocks = handbook.report()["runs"]["server"]["blocks"]
    assert [(b["line"], b["kind"], b["status"]) for b in blocks] == [
        (2, "run", "passed"),  # "handbook:" in the front matter asked for it
        (2, "output", "passed"),
        (10, "run", "passed"),
    ]


def test_on_another_database_the_server_check_is_shown_not_run(handbook: Handbook) -> None:
    handbook.chapter("server", ON_A_SERVER)

    handbook.run("docs/server.md", "--database", "sqlite").assert_outcomes(passed=1, skipped=2)


def test_the_prerequisites_page_does_not_send_the_reader_to_itself() -> None:
    settings = Settings(database="postgresql")

    assert starting_point(settings, "docs/prerequisites.md") == []
    assert "Your PostgreSQL server" in "\n".join(starting_point(settings, "docs/testing.md"))


def test_what_a_page_changes_and_its_cleanup_are_shown() -> None:
    settings = Settings(changes=("~/backups",), cleanup="docker compose down\nrm -f x\n")

    text = "\n".join(starting_point(settings, "docs/rollback.md"))

    assert "- `~/backups`" in text
    assert "    docker compose down\n    rm -f x\n    ```" in text
    assert 'handbook: shown reason="only when you stop halfway' in text


def test_the_starting_point_goes_under_before_you_start_not_one_in_an_example() -> None:
    page = ["# Title", "", "```markdown", "## Before you start", "```", "## Before you start", "x"]

    assert anchor(page) == 6
    assert anchor(["intro", "# Title", "text"]) == 2
    assert anchor(["no title"]) == 0
