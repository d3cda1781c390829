"""The team's workflow (snippets/ci/django-app.yml, shown on the CI/CD page): which
image tags each push pushes, and how the deploy job deploys.

GitHub cannot run here, so each step's `if:` is evaluated with GitHub's rules for a
given event (a pull request, a push to a branch, a push of a release tag), as if every
earlier step succeeded, and the `run:` scripts of the steps that would run are read.
What the deploy does once it starts, rollback included, is deploy/deploy.sh's, and
tests/test_deploy_script.py runs it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "snippets" / "ci" / "django-app.yml"
COMMIT_TAG = "$IMAGE:sha-${GITHUB_SHA::7}"
RELEASE_TAG = "$IMAGE:$GITHUB_REF_NAME"
EVENTS = {
    "pull request": {"event_name": "pull_request", "ref_type": "branch"},
    "push to a branch": {"event_name": "push", "ref_type": "branch"},
    "push of a release tag": {"event_name": "push", "ref_type": "tag"},
}


def job(name: str) -> dict[str, Any]:
    jobs: dict[str, dict[str, Any]] = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    return jobs[name]


def holds(condition: str, github: dict[str, str]) -> bool:
    """GitHub's value of an `if:` for the event ``github``, no step having failed."""
    python = re.sub(r"github\.(\w+)", lambda m: repr(github[m.group(1)]), condition)
    python = python.replace("&&", " and ").replace("||", " or ")
    python = re.sub(r"!(?!=)", " not ", python)
    python = python.replace("failure()", "False").replace("success()", "True")
    return bool(eval(python, {"__builtins__": {}}))  # our own file, its names replaced


def steps_run(name: str, event: str) -> list[dict[str, Any]]:
    """The steps of job ``name`` that run for ``event`` when none fails."""
    steps: list[dict[str, Any]] = job(name)["steps"]
    return [step for step in steps if holds(step.get("if", "success()"), EVENTS[event])]


def commands(steps: list[dict[str, Any]], program: str) -> list[str]:
    """The arguments of every ``program`` command in the steps' scripts."""
    found = []
    for step in steps:
        for line in step.get("run", "").splitlines():
            if match := re.match(rf"\s*{re.escape(program)}\s+(.*)", line):
                found.append(match.group(1))
    return found


@pytest.mark.parametrize(
    ("event", "pushed"),
    [
        ("pull request", set()),
        ("push to a branch", {COMMIT_TAG}),
        ("push of a release tag", {RELEASE_TAG}),
    ],
)
def test_each_tag_is_pushed_by_one_kind_of_push(event: str, pushed: set[str]) -> None:
    """A release tag adds its tag to the commit's image: `sha-` is never pushed again."""
    pushes = commands(steps_run("image", event), "docker push")

    assert {push.strip('"') for push in pushes} == pushed


def test_a_release_is_the_image_its_commit_pushed_not_a_new_build() -> None:
    """A release tag builds nothing: it pulls the commit's image and tags that one."""
    steps = steps_run("image", "push of a release tag")

    assert commands(steps, "docker build") == []
    assert commands(steps, "docker pull") == [f'"{COMMIT_TAG}"']
    assert commands(steps, "docker tag") == [f'"{COMMIT_TAG}" "{RELEASE_TAG}"']


def test_the_deploy_job_runs_the_deploy_script_with_the_release_digest() -> None:
    """One deploy path: CI runs deploy/deploy.sh, with the image by digest."""
    steps = steps_run("deploy", "push of a release tag")
    deploy = [step for step in steps if commands([step], "bash deploy/deploy.sh")]

    assert steps[0].get("uses") == "actions/checkout@v6"
    assert len(deploy) == 1, "exactly one step runs deploy/deploy.sh"
    assert commands(deploy, "bash deploy/deploy.sh") == ['"$GITHUB_REF_NAME" "$IMAGE_REF"']
    assert deploy[0]["env"]["IMAGE_REF"] == "${{ needs.image.outputs.digest }}"
    assert commands(steps, "kubectl") == [], "the script deploys; no second path in CI"


def test_the_digest_comes_from_the_registry_for_a_release() -> None:
    """The deploy job's digest is the registry's name of the image: NAME@sha256:..."""
    output = job("image")["outputs"]["digest"]
    ids = re.findall(r"steps\.(\w+)\.outputs\.digest", output)
    steps = [step for step in steps_run("image", "push of a release tag") if step.get("id") in ids]

    assert len(steps) == 1, f"one step gives a release its digest: {output}"
    writes = [line for line in steps[0]["run"].splitlines() if "GITHUB_OUTPUT" in line]
    assert writes == [
        f'echo "digest=$(docker inspect --format \'{{{{index .RepoDigests 0}}}}\' "{RELEASE_TAG}")"'
        ' >> "$GITHUB_OUTPUT"'
    ]
