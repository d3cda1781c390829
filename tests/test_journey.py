"""The onboarding path as one reader on one machine: what one page leaves, the next sees."""

from __future__ import annotations

import uuid

from handbook.journey import onboarding_path
from tests.chapters import Handbook, kill_all, processes_matching

INDEX = """\
# Home

## Your first day

| when | read |
| --- | --- |
| morning | [First](first.md), [Second](second.md) |
| later | [First again](first.md) |

## Afterwards

[Not on the path](elsewhere.md)
"""
FIRST = """\
# First

```bash
mkdir -p ~/.cache && echo "seen by the next page" > ~/.cache/first-was-here
git config --global user.name
```

<!-- handbook: output -->
```text
Ada Lovelace
```
"""
SECOND = """\
# Second

The same HOME as the first page: its cache is there.

```bash
cat ~/.cache/first-was-here
{extra}
```
"""


def test_the_path_is_read_from_the_first_day_table_in_reading_order(handbook: Handbook) -> None:
    """A page added to the table joins the journey; a link elsewhere does not."""
    handbook.chapter("index", INDEX)

    assert onboarding_path(handbook.root) == ["docs/index.md", "docs/first.md", "docs/second.md"]


def test_one_reader_follows_the_pages_on_one_machine(handbook: Handbook) -> None:
    """Pages share the reader's HOME, and the machine ends as it began."""
    handbook.chapter("index", INDEX)
    handbook.chapter("first", FIRST)
    handbook.chapter("second", SECOND.format(extra=""))

    result = handbook.run("--journey", "docs/first.md", "docs/second.md")

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["journey: the reader's machine is as it was before the first page"]
    )


def test_a_process_a_page_leaves_behind_fails_the_journey(handbook: Handbook) -> None:
    """A daemon that escaped its block's process group is still on the reader's machine."""
    token = f"{600 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6:06d}"
    handbook.chapter("index", INDEX)
    handbook.chapter("first", FIRST)
    # In a session of its own before the block ends (Popen returns once the child has
    # called setsid and exec'd): `(setsid sleep &)` could still be in the block's group
    # when the block ended, and be stopped with it, on a busy machine.
    daemon = f"import subprocess; subprocess.Popen(['sleep', '{token}'], start_new_session=True)"
    handbook.chapter("second", SECOND.format(extra=f'python3 -c "{daemon}" >/dev/null 2>&1'))

    result = handbook.run("--journey", "docs/first.md", "docs/second.md")

    left = processes_matching("sleep", token)
    kill_all(left)
    assert left, "the page's daemon should have outlived the page"
    assert result.ret == 1
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "journey: the reader's machine is not as it was before the first page:",
            f"  process *: still running (sleep {token})",
        ]
    )
