"""Which sessions plain ``nox`` may reuse: the last green proof of each, on this machine.

A session's *inputs* are what its result depends on; their digest is kept, with the
date, in ``build/proofs.json`` when the session passes. Plain ``nox`` leaves out a
session whose inputs have the digest of a green proof younger than :data:`MAX_AGE`,
and the summary says "reused from <date>, inputs unchanged". A session named on the
command line (``nox -s git``) is always proved; ``HANDBOOK_FORCE=1`` and CI (the ``CI``
variable) prove every session.

What is hashed (:func:`files` and :func:`machine`):

- every session: the engine (``handbook/``), ``noxfile.py``, the pins
  (``pyproject.toml``, ``requirements-nox.txt``), and every file the versions a page
  names are read from (``versions.toml``, the sample's locks, Dockerfile and compose);
- a chapter: its page as written, ``mkdocs.yml`` (the macros' variables, the includes'
  options), every file it includes with ``--8<--``, and the whole sample project when
  the page clones it (it names ``project.repository``): the sample's locks are its pins;
- the journey: the union of its pages'; ``fresh``: the union of the sessions it runs;
- ``sample`` and ``compat``: the sample project; ``lint``: the tests too;
- ``docs``, ``site``: every file git tracks or would track (the site shows the sample
  project's files, the docs session runs the tests that read the pages);
- ``engine``: every file but the pages (``docs/*.md``, except ``docs/index.md``, which
  ``noxfile.py`` reads): the tests that read the pages are marked ``pages`` and run in
  the docs session;
- the machine: each Python and program a page may call (its path, size and mtime, so an
  upgrade counts), the variables that choose servers and strictness, the platform.

The page is hashed as written, not as rendered: rendering is a function of the page,
``mkdocs.yml``, ``versions.toml`` and the engine, all hashed. The verification report
is not an input of the site: its dates change on every run, and CI builds the
published site from a full proof. Standard library only: ``noxfile.py`` imports it.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from handbook.journey import onboarding_path
from handbook.needs import NEEDS
from handbook.versions import SOURCES

__all__ = [
    "INCLUDE",
    "MAX_AGE",
    "digest",
    "files",
    "forced",
    "includes",
    "machine",
    "record",
    "reused",
    "tracked",
]

MAX_AGE = datetime.timedelta(days=7)
"""A proof older than this is made again: the package index and the servers the
pages use change under them, and the scheduled CI run proves everything daily anyway."""
STORE = Path("build") / "proofs.json"
KEPT = 8
"""Green proofs kept per session, each with other inputs (other branches, say)."""
ENGINE = ("handbook/", "noxfile.py", "pyproject.toml", *SOURCES)
SAMPLE = "sample_project/"
WHOLE = ("docs", "site")
"""Sessions whose inputs are the whole tree."""
PAGES = re.compile(r"docs/(?!index\.md$)[^/]+\.md$")
"""The pages the engine's own tests do not read (those that do are marked ``pages``)."""
ENVIRONMENT = ("CI", "DATABASE_URL", "MARIADB_URL", "HANDBOOK_REPORT", "PIP_INDEX_URL")
"""Variables that change what a session proves, or against which server."""
PROGRAMS = ("bash", "git", "python3.10", "python3.11", "python3.12", "python3.13")
"""Programs every page may call, beside the parts a page declares (handbook/needs.py)."""
INCLUDE = re.compile(r"""--8<--\s+(["'])(.+?)\1""")
"""An include, as pymdownx.snippets reads it: its second group is the target
(``path`` or ``path:section``). handbook/source.py names a line's include with it."""
_CLONES = "project.repository"


def forced(environ: Mapping[str, str]) -> str | None:
    """Why nothing may be reused now, or None."""
    if environ.get("HANDBOOK_FORCE", "") not in ("", "0"):
        return "HANDBOOK_FORCE is set"
    if environ.get("CI", "") not in ("", "0", "false"):
        return "CI is set"
    return None


def tracked(root: Path) -> list[str] | None:
    """The files git tracks or would track (not ignored), as paths from ``root``; None
    outside a git checkout (a downloaded archive), where nothing is reused."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root, capture_output=True, check=False,
    )  # fmt: skip
    if listed.returncode != 0:
        return None
    names = set(listed.stdout.decode().split("\0"))
    return sorted(name for name in names if name and (root / name).is_file())


def includes(root: Path, page: str) -> set[str]:
    """The files ``page`` includes with ``--8<--``, and those they include, from ``root``."""
    found: set[str] = set()
    waiting = [page]
    while waiting:
        text = (root / waiting.pop()).read_text(errors="replace")
        for _, target in INCLUDE.findall(text):
            name = target if (root / target).is_file() else target.rsplit(":", 1)[0]
            if name not in found and (root / name).is_file():
                found.add(name)
                waiting.append(name)
    return found


def files(root: Path, session: str, every: list[str], parts: Iterable[str] = ()) -> set[str]:
    """The files ``session``'s result depends on, from ``every`` tracked file.

    ``parts``: the sessions it runs (``fresh``); their inputs are its inputs.
    """
    family = session.split("(", 1)[0]
    engine = {name for name in every if name.startswith(ENGINE)}
    sample = {name for name in every if name.startswith(SAMPLE)}
    if family in WHOLE:
        own = set(every)
    elif family == "engine":
        own = {name for name in every if not PAGES.match(name)}
    elif family == "lint":
        own = {name for name in every if name.startswith("tests/")}
    elif family in ("sample", "compat"):
        own = sample
    elif family == "journey":
        own = set().union(*(_page(root, page, sample) for page in onboarding_path(root)))
    elif parts:
        own = set().union(*(files(root, part, every) for part in parts))
    elif f"docs/{family}.md" in every:
        own = _page(root, f"docs/{family}.md", sample)
    else:
        raise LookupError(
            f"no inputs known for the session {session!r}: docs/{family}.md is not a page"
        )
    return engine | own


def _page(root: Path, page: str, sample: set[str]) -> set[str]:
    clones = _CLONES in (root / page).read_text()
    return {page, "mkdocs.yml", *includes(root, page), *(sample if clones else ())}


def machine(path: str, environ: Mapping[str, str]) -> str:
    """What the machine gives a session: its programs, the chosen variables, the platform."""
    names = sorted({*PROGRAMS, *(p for need in NEEDS.values() for p in need.programs)})
    lines = [platform.platform(), path]
    lines += [f"{name}={environ.get(name, '')}" for name in ENVIRONMENT]
    for name in names:
        found = shutil.which(name, path=path)
        if found is None:
            lines.append(f"{name}: none")
            continue
        real = os.path.realpath(found)
        stat = os.stat(real)
        lines.append(f"{name}: {real} {stat.st_size} {stat.st_mtime_ns}")
    return "\n".join(lines)


def digest(root: Path, session: str, names: Iterable[str], machine: str) -> str:
    """The digest of ``session``'s inputs: the files ``names`` and the ``machine``."""
    total = hashlib.sha256(f"{session}\n{machine}\n".encode())
    for name in sorted(names):
        total.update(name.encode() + b"\0" + hashlib.sha256((root / name).read_bytes()).digest())
    return total.hexdigest()


def _read(root: Path) -> dict[str, list[dict[str, str]]]:
    """Each session's green proofs, newest first."""
    try:
        data = json.loads((root / STORE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    # A store from before proofs were kept per branch held one proof, not a list.
    return {
        session: [kept] if isinstance(kept, dict) else [p for p in kept if isinstance(p, dict)]
        for session, kept in data.items()
        if isinstance(kept, dict | list)
    }


def reused(root: Path, session: str, inputs: str, now: datetime.datetime) -> str | None:
    """The date of ``session``'s green proof with these ``inputs``, when it is younger
    than :data:`MAX_AGE`; None when the session must be proved."""
    for proof in _read(root).get(session, []):
        if proof.get("inputs") != inputs:
            continue
        try:
            age = now - datetime.datetime.fromisoformat(proof.get("date", ""))
        except ValueError:
            return None
        return proof["date"] if age <= MAX_AGE else None
    return None


def record(root: Path, session: str, inputs: str, date: str) -> None:
    """Keep ``session``'s green proof, made at ``date`` with these ``inputs``, beside the
    :data:`KEPT` newest others: switching back to a branch reuses its proofs."""
    store = root / STORE
    store.parent.mkdir(parents=True, exist_ok=True)
    # Sessions end side by side (script/test): one writer at a time, none lost.
    with (store.parent / ".proofs.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proofs = _read(root)
        others = [p for p in proofs.get(session, []) if p.get("inputs") != inputs]
        proofs[session] = [{"inputs": inputs, "date": date}, *others][:KEPT]
        temporary = store.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(dict(sorted(proofs.items())), indent=2) + "\n")
        os.replace(temporary, store)
