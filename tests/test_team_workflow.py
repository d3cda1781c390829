"""The team's workflow (snippets/ci/django-app.yml, shown on the CI/CD page) rolls back
only what it rolled out.

GitHub cannot run here, so the rollback step's `if:` is evaluated for each way the
deploy job can end, with GitHub's rules: after a failed step the later steps are
skipped (their outcome is "skipped"), and `failure()` is true once any step failed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "snippets" / "ci" / "django-app.yml"
ROLLBACK = "Roll back the image"


def deploy_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = yaml.safe_load(WORKFLOW.read_text())["jobs"]["deploy"]["steps"]
    return steps


def runs(condition: str, failed: str | None) -> bool:
    """Whether a step with ``condition`` runs when the step named ``failed`` failed."""
    names = [step["name"] for step in deploy_steps() if step["name"] != ROLLBACK]
    outcome = {}
    for step in deploy_steps():
        if step["name"] == ROLLBACK or "id" not in step:
            continue
        position, at = names.index(step["name"]), names.index(failed) if failed else None
        outcome[step["id"]] = (
            "success" if at is None or position < at else "failure" if position == at else "skipped"
        )
    python = re.sub(
        r"steps\.(\w+)\.outcome", lambda m: repr(outcome.get(m.group(1), "")), condition
    )
    python = python.replace("&&", " and ").replace("||", " or ")
    python = python.replace("failure()", repr(failed is not None))
    python = python.replace("success()", repr(failed is None))
    return bool(eval(python, {"__builtins__": {}}))  # our own file, its names replaced


@pytest.mark.parametrize(
    ("failed", "rolled_back"),
    [
        (None, False),
        ("Cluster credentials", False),
        ("Migrate, once, with the new image", False),
        ("Roll out", True),
        ("Smoke test", True),
    ],
)
def test_the_image_is_rolled_back_only_after_a_rollout_or_smoke_test_failed(
    failed: str | None, rolled_back: bool
) -> None:
    """A failed migration rolled nothing out: undo would go one release too far back."""
    step = next(step for step in deploy_steps() if step["name"] == ROLLBACK)
    names = [step["name"] for step in deploy_steps()]
    assert failed is None or failed in names, f"{WORKFLOW}: no step named {failed!r}"

    assert runs(step.get("if", "success()"), failed) is rolled_back
