"""The pre-commit hooks run the versions CI runs: each tool that runs in an environment
of its own is pinned there to requirements-dev.txt's version, so a commit on a laptop
and the CI job agree, whatever else is installed."""

import re
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement

BASE_DIR = Path(__file__).resolve().parent.parent


def hooks() -> list[dict[str, Any]]:
    config = yaml.safe_load((BASE_DIR / ".pre-commit-config.yaml").read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def applicable(requirements: list[str]) -> dict[str, str]:
    """Name to pinned version, of the requirements whose marker holds here."""
    pins = {}
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{line}: pin one version (==)"
            pins[requirement.name] = specifier.version
    return pins


def requirements_dev() -> dict[str, str]:
    """requirements-dev.txt's pins, without their hashes."""
    text = (BASE_DIR / "requirements-dev.txt").read_text()
    return applicable(
        re.findall(r"^([A-Za-z0-9][^\s\\]*==[^\\#]*?)\s*\\?$", text, re.M)
    )


def test_no_hook_runs_whatever_is_on_path_by_the_deprecated_name() -> None:
    """`system` is called `unsupported` since pre-commit 4.4."""
    for hook in hooks():
        assert hook["language"] in {"python", "unsupported"}, hook["id"]


def test_hooks_in_their_own_environment_pin_requirements_dev_versions() -> None:
    pins = requirements_dev()
    isolated = [hook for hook in hooks() if hook["language"] == "python"]

    assert {hook["id"] for hook in isolated} == {
        "black",
        "isort",
        "flake8",
        "detect-secrets",
    }
    for hook in isolated:
        hook_pins = applicable(hook["additional_dependencies"])
        assert hook_pins, f"{hook['id']}: no pinned tool for this Python"
        for name, version in hook_pins.items():
            assert pins.get(name) == version, f"{hook['id']}: {name}=={version}"


def test_hooks_that_import_the_project_run_in_its_virtualenv() -> None:
    """mypy and the migrations check need Django and the project's code: an isolated
    environment would lack them."""
    by_id = {hook["id"]: hook for hook in hooks()}

    for name in ("mypy", "makemigrations"):
        assert by_id[name]["language"] == "unsupported"
        assert by_id[name]["entry"].startswith("python ")
