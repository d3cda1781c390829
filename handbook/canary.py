"""The canary: the chapters proved with the newest releases their ranges allow.

The pinned proof (``build/verification.json``) says the pages work with the versions
the locks name. The canary says what happens when the pins move, before they do. It
copies the repository as a clone has it, re-resolves every lock from its ``.in`` with
``--upgrade`` (the ``uv pip compile`` command in the lock's own header), moves
``versions.toml``'s tool pins to their newest releases, and proves the chapters in that
copy with the newest Python the handbook supports. Two release lines of Django:

    lts      the newest patch of the pinned line (requirements.in's range, as written)
    newest   the newest release line: Django's ranges opened, locks made for that Python

Its report, ``build/canary.json``, sits beside the pinned proof and never replaces it::

    {"schema": 1, "lines": {"lts": {
        "date": "2026-12-01T10:00:00+00:00", "python": "3.13",
        "moved": {"coverage": ["7.17.4", "7.17.5"]},   # pinned, canary (" / " per marker)
        "runs": {...}}}}                                # the engine's entries (report.py)
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

from handbook.report import broke_at, read_report
from handbook.status import Status
from handbook.versions import pins
from handbook.workspace import copy_as_cloned

__all__ = [
    "LINES",
    "LOCKS",
    "CanaryError",
    "canary_path",
    "prepare",
    "read_canary",
    "record",
    "results",
]

LINES = ("lts", "newest")
LOCKS = (  # in the order they constrain each other (-c requirements.txt)
    "sample_project/requirements.txt",
    "sample_project/requirements-dev.txt",
    "sample_project/requirements-mariadb.txt",
    "requirements-nox.txt",
)
SCHEMA = 1
_PASSES = {Status.PASSED: "passes", Status.NOT_PROVED: "not proved here"}
_HEADER = re.compile(r"^#\s+(uv pip compile .+)$", re.M)
_PIN_LINE = re.compile(r"^[A-Za-z0-9]", re.M)
_TOOL = re.compile(r'^(?P<name>[A-Za-z0-9._-]+) = "(?P<version>[^"]+)"', re.M)
_RANGED = re.compile(  # Django's release line, in requirements.in and requirements-dev.in
    r"^(?P<name>django|django-stubs)(?P<extras>\[[^\]]*\])?[<>=!~][^#\n]*?(?P<gap>[ \t]*)(?=#|$)",
    re.I | re.M,
)


class CanaryError(ValueError):
    """The repository cannot be moved to its newest versions; names the file."""


def canary_path(root: Path) -> Path:
    return root / "build" / "canary.json"


def prepare(root: Path, target: Path, line: str, uv: str, python: str) -> dict[str, list[str]]:
    """Copy ``root`` to ``target`` with every pin moved to its newest allowed release, for
    the release line ``line`` and the reader's Python ``python``; what moved."""
    if line not in LINES:
        raise CanaryError(f"no canary line {line!r}: choose one of {', '.join(LINES)}")
    copy_as_cloned(root, target)
    if line == "newest":
        for requirements in sorted((target / "sample_project").glob("*.in")):
            requirements.write_text(
                _RANGED.sub(r"\g<name>\g<extras>\g<gap>", requirements.read_text())
            )
    for name in LOCKS:
        lock = target / name
        if lock.exists() and _PIN_LINE.search(lock.read_text()):
            _relock(lock, name, uv, python if line == "newest" else None)
    _newest_tools(target / "versions.toml", uv)
    before, after = pins(root), pins(target)
    return {
        name: [" / ".join(sorted(before.get(name, ()))), " / ".join(sorted(versions))]
        for name, versions in sorted(after.items())
        if versions != before.get(name)
    }


def _relock(lock: Path, name: str, uv: str, python: str | None) -> None:
    """Run the lock's own header command again, upgrading every package."""
    header = _HEADER.search("\n".join(lock.read_text().splitlines()[:3]))
    if not header:
        raise CanaryError(
            f"{name}:2: no `uv pip compile` command in its header, so the canary cannot "
            "make it again: lock it with uv pip compile, which writes one"
        )
    argv = [uv, *shlex.split(header.group(1))[1:], "--upgrade", "--quiet"]
    if python:  # the lock's floor replaced by the Python the canary runs
        if "--python-version" in argv:
            at = argv.index("--python-version")
            del argv[at : at + 2]
        argv += ["--python-version", python]
    _uv(argv, lock.parent, name)


def _newest_tools(versions: Path, uv: str) -> None:
    """versions.toml's ``[tools]`` pins, each moved to its newest release."""
    text = versions.read_text() if versions.exists() else ""
    if "[tools]" not in text:
        return
    section = text.partition("[tools]")[2].split("\n[", 1)[0]

    def newest(match: re.Match[str]) -> str:
        found = _uv([uv, "pip", "compile", "-", "--no-header", "--no-annotate", "--quiet"],
                    versions.parent, "versions.toml", stdin=match["name"])  # fmt: skip
        pinned = re.search(rf"^{re.escape(match['name'])}==(\S+)", found, re.I | re.M)
        return f'{match["name"]} = "{pinned[1] if pinned else match["version"]}"'

    versions.write_text(text.replace(section, _TOOL.sub(newest, section)))


def _uv(argv: list[str], cwd: Path, name: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        argv, cwd=cwd, input=stdin, capture_output=True, text=True, check=False, timeout=600
    )
    if done.returncode:
        raise CanaryError(f"{name}: `{' '.join(argv[1:])}` failed:\n{done.stderr.strip()}")
    return done.stdout


def record(
    root: Path,
    line: str,
    report: Path,
    *,
    python: str,
    moved: dict[str, list[str]],
    chapters: list[str],
) -> dict[str, Any]:
    """Keep the canary run of ``line`` (its engine ``report``) in build/canary.json;
    ``chapters`` (slugs) with no run in the report could not be set up."""
    runs = read_report(report)["runs"]
    ran = {run["slug"] for run in runs.values()}
    entry = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": python,
        "moved": moved,
        "not_set_up": [slug for slug in chapters if slug not in ran],
        "runs": runs,
    }
    path = canary_path(root)
    data = read_canary(path)
    data["lines"][line] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(temporary, path)
    return entry


def read_canary(path: Path) -> dict[str, Any]:
    """build/canary.json, or an empty one when there is none (or of another schema)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return {"schema": SCHEMA, "lines": {}}
    return data


def results(entry: dict[str, Any]) -> dict[str, str]:
    """Per chapter (slug) of a canary line: ``passes``, ``not proved here`` (this machine
    lacks a part it needs), or ``breaks at docs/setup.md:221: what happened``."""
    found = dict.fromkeys(entry.get("not_set_up", []), "breaks at its set-up (see the log)")
    for run in entry["runs"].values():
        where = broke_at(run)
        said = f"breaks at {where}" if where else _PASSES.get(run["status"], run["status"])
        if found.get(run["slug"], "passes") == "passes":  # of several runs, the worst
            found[run["slug"]] = said
    return found
