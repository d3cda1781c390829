"""Drift watch: a failed scheduled proof becomes an issue that names the page line and
the versions; updates are proposed weekly, grouped, by a valid Dependabot configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from handbook.canary import LINES
from handbook.drift import failures, markdown
from tests.chapters import ENGINE_ROOT as ROOT
from tests.chapters import Handbook

PAGE = """\
# Drift

```bash
echo fine
```

```bash
python3 -c 'import sys; sys.exit(3)'
```
"""


def test_the_issue_names_the_failed_line_and_what_it_ran_with(handbook: Handbook) -> None:
    handbook.chapter("drift", PAGE)
    handbook.chapter("steady", "# Steady\n\n```bash\necho steady\n```\n")
    handbook.run("docs/drift.md", "docs/steady.md")

    failed = failures([handbook.report()])
    body = markdown(failed, "https://github.com/our-team/handbook/actions/runs/1")

    assert [run["chapter"] for run in failed] == ["docs/drift.md"]
    line = handbook.line_of("drift", "sys.exit")
    assert (
        f"- **docs/drift.md**: at `docs/drift.md:{line}`: command failed with exit status 3" in body
    ), body
    assert "  - ran with python 3." in body
    assert "https://github.com/our-team/handbook/actions/runs/1" in body


def test_a_run_without_failed_chapters_says_where_to_look() -> None:
    body = markdown([], "https://example.invalid/run")

    assert "no chapter failed" in body


def _check_dependabot(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.dependabot", path],
        capture_output=True,
        text=True,
        check=False,
    )


def test_updates_are_proposed_weekly_one_pull_request_per_ecosystem(tmp_path: Path) -> None:
    """Valid for Dependabot (its schema, as check-jsonschema ships it), and grouped, so a
    week's updates arrive together; a wrong value fails the same check."""
    config = ROOT / ".github" / "dependabot.yml"
    updates = yaml.safe_load(config.read_text())["updates"]
    broken = tmp_path / "dependabot.yml"
    broken.write_text(config.read_text().replace("interval: weekly", "interval: fortnightly"))

    assert _check_dependabot(config).returncode == 0, _check_dependabot(config).stdout
    assert _check_dependabot(broken).returncode != 0
    assert {(u["package-ecosystem"], u["directory"]) for u in updates} == {
        ("pip", "/"),
        ("pip", "/sample_project"),
        ("docker", "/sample_project"),
        ("github-actions", "/"),
    }
    for update in updates:
        assert update["schedule"]["interval"] == "weekly"
        assert [group["patterns"] for group in update["groups"].values()] == [["*"]]


def test_the_canary_runs_each_line_outside_pull_requests_and_never_blocks_a_deploy() -> None:
    """handbook.yml's canary job runs the noxfile's lines (handbook/canary.py), may fail
    without failing the workflow that pages.yml deploys after, and hands its report over."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/handbook.yml").read_text())
    job = workflow["jobs"]["canary"]
    pages = (ROOT / ".github/workflows/pages.yml").read_text()

    assert job["strategy"]["matrix"]["line"] == list(LINES)
    assert job["if"] == "github.event_name != 'pull_request'"
    assert job["continue-on-error"] is True
    assert "nox -s \"canary(line='$LINE')\"" in [step.get("run") for step in job["steps"]]
    assert "pattern: canary-*" in pages
    assert "> build/canary.json" in pages
