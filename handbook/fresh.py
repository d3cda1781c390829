"""The PATH of a fresh machine: Debian's core utilities, git and Python, nothing else.

``nox -s fresh`` runs sessions with it, so what the README promises a maintainer with
only Python and git is what it proves. The core utilities are the programs of the
packages Debian marks ``Priority: required`` (what a minimal install has: coreutils,
grep, sed, tar, mawk...), read from dpkg, with the names the alternatives system gives
them (``awk``). Everything else, curl and procps included, is left out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

__all__ = ["fresh_path"]

_SYSTEM_BINS = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")
_PYTHONS = ("python3", "python3.10", "python3.11", "python3.12", "python3.13")


def fresh_path(folder: Path, path: str) -> str:
    """Fill ``folder`` with links to a fresh machine's programs, found on ``path``;
    return it, the whole PATH of such a machine. Raises LookupError without dpkg."""
    folder.mkdir(parents=True, exist_ok=True)
    core = _core_utilities()
    for name, target in _system_programs():
        # A name the alternatives system gives (awk) counts when a core program provides it.
        provider = next((t for t in (target, *_alternatives(name)) if t in core), None)
        if provider is not None:
            _link(folder, name, provider)
    git = shutil.which("git", path=path)
    if git:
        _link(folder, "git", Path(git).resolve())
    for name in _PYTHONS:
        found = _python(name, path)
        if found:
            _link(folder, name, found)
    return str(folder)


def _python(name: str, path: str) -> Path | None:
    """The interpreter ``name`` runs, asked for its own path: pyenv's shims are scripts
    that answer for one version only, and need pyenv, which a fresh machine lacks."""
    for folder in path.split(os.pathsep):
        candidate = Path(folder) / name
        if not folder or not os.access(candidate, os.X_OK):
            continue
        asked = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable)"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if asked.returncode == 0:
            return Path(asked.stdout.strip()).resolve()
    return None


def _core_utilities() -> set[Path]:
    """The programs of the packages of priority "required", resolved."""
    if not shutil.which("dpkg-query"):
        raise LookupError("a fresh machine is modelled on Debian's: this one has no dpkg-query")
    listed = _query("-W", "-f", "${Priority} ${Package}\n")
    packages = [line.split()[1] for line in listed if line.startswith("required ")]
    return {
        Path(file).resolve()
        for file in _query("-L", *packages)
        if os.path.dirname(file) in _SYSTEM_BINS and os.access(file, os.X_OK)
    }


def _system_programs() -> Iterable[tuple[str, Path]]:
    """(name, resolved target) of every program in the system's bin folders."""
    for directory in _SYSTEM_BINS:
        if Path(directory).is_dir():
            for entry in sorted(Path(directory).iterdir()):
                yield entry.name, entry.resolve()


def _alternatives(name: str) -> list[Path]:
    """The programs dpkg's alternatives system may point ``name`` to."""
    record = Path("/var/lib/dpkg/alternatives") / name
    if not record.is_file():
        return []
    return [Path(line).resolve() for line in record.read_text().splitlines() if line[:1] == "/"]


def _link(folder: Path, name: str, target: Path) -> None:
    link = folder / name
    if not link.is_symlink():
        link.symlink_to(target)


def _query(*arguments: str) -> list[str]:
    done = subprocess.run(["dpkg-query", *arguments], capture_output=True, text=True, check=False)
    return done.stdout.splitlines()
