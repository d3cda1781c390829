"""A chapter's workspace: a fresh temporary folder, and the environment of its terminal.

Layout of the folder::

    home/      HOME of the terminal, so `git config --global` and friends stay inside
    work/      where the reader starts: an empty folder
    bin/       `python`/`python3` for the reader's Python version
    control/   the engine's own files: block scripts, outputs, service logs, state

The folder is removed when the chapter ends, unless the run was asked to keep it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from handbook import reaper

__all__ = ["Workspace", "copy_as_cloned", "find_python", "terminal_environment"]

# The environment is normalised so outputs compare the same on every machine.
_FIXED = {
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TZ": "UTC",
    "COLUMNS": "80",
    "NO_COLOR": "1",
    "TERM": "dumb",
    # Not PIP_DISABLE_PIP_VERSION_CHECK: a reader's pip says when a newer pip is out
    # ("[notice] A new release of pip is available"), so a page's output must allow it.
    "PIP_NO_INPUT": "1",
    # Output goes to a pipe, where Python would hold stdout back until it exits and so
    # print it after stderr; a reader's terminal shows both in the order they happen.
    "PYTHONUNBUFFERED": "1",
    "GIT_CONFIG_NOSYSTEM": "1",
}
# Passed through from the engine's environment when set: where caches and servers are.
_KEPT = (
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "UV_INDEX_URL",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)
# Tools installed in the real HOME keep their state there, as they do on the reader's
# machine (its HOME has them already): variable -> the folder they default to.
_TOOL_HOMES = {"RUSTUP_HOME": ".rustup", "CARGO_HOME": ".cargo", "PYENV_ROOT": ".pyenv"}


# What a reader's Linux says for `python` or `pip` outside a virtualenv: Debian, Ubuntu
# and Fedora have only python3 and pip3 (python-is-python3 is not installed by default).
_ABSENT = """#!/bin/sh
echo "{name}: command not found (a reader's machine has python3 and pip3; {name} only \\
inside an active virtualenv: write python3, or activate .venv first)" >&2
exit 127
"""


def open_to_workers(folder: Path) -> None:
    """Let other users pass through ``folder`` (0711: not list it), as through a
    reader's home folder. The engine runs as root, and nginx started by root runs its
    workers as ``nobody``: they must reach the project's static files, as a reader's
    nginx, run as the reader, does. mkdtemp's 0700 would answer them 403."""
    folder.chmod(0o711)


class Workspace:
    """A temporary folder for one chapter run."""

    def __init__(self, slug: str, home: Path | None = None, parent: Path | None = None) -> None:
        """``home``: the reader's HOME when pages share one (a journey), else a new one;
        ``parent``: where the folder goes (the temporary folder by default)."""
        self.root = Path(tempfile.mkdtemp(prefix=f"handbook-{slug}-", dir=parent))
        open_to_workers(self.root)
        reaper.watch("path", self.root)
        self.home = home or self.root / "home"
        self.work = self.root / "work"
        self.bin = self.root / "bin"
        self.control = self.root / "control"
        for folder in (self.work, self.bin, self.control):
            folder.mkdir()
        self.home.mkdir(exist_ok=True)

    def use_python(self, version: str) -> str:
        """Put ``python3``, ``pythonX.Y`` and ``pip3`` of ``version`` first on the PATH.

        ``python`` and ``pip`` answer "command not found", as on most Linux systems until
        a virtualenv is active, even where this machine has them (pyenv's shims, say).
        """
        found = find_python(version)
        if found is None:
            raise LookupError(
                f"python{version} is not on PATH: install it, or put its bin folder on PATH"
            )
        for name in ("python3", f"python{version}"):
            (self.bin / name).symlink_to(found)
        # ...and that Python's pip, never another one found further down PATH.
        pip = Path(found).parent / f"pip{version}"
        if pip.exists():
            (self.bin / "pip3").symlink_to(pip)
        for name in ("python", "pip"):
            stub = self.bin / name
            stub.write_text(_ABSENT.format(name=name))
            stub.chmod(0o755)
        return found

    def add_python(self, version: str) -> bool:
        """Put ``pythonX.Y`` of a second Python on the PATH, where this machine has it (a
        page that needs one beside the reader's, as a reader who installed it has it).
        ``python3`` stays the reader's. False when the machine has no such Python."""
        found = find_python(version)
        if found is None:
            return False
        link = self.bin / f"python{version}"
        if not link.exists():
            link.symlink_to(found)
        return True

    def remove(self) -> None:
        reaper.remove(self.root)

    def keep(self) -> None:
        """Keep the folder (``--keep-workspace``): the watchdog no longer removes it."""
        reaper.forget("path", self.root)


def terminal_environment(workspace: Workspace) -> dict[str, str]:
    """The environment a reader's new terminal starts with."""
    env = {name: os.environ[name] for name in _KEPT if name in os.environ}
    env.update(_FIXED)
    env["HOME"] = str(workspace.home)
    env["USER"] = os.environ.get("USER", "reader")
    env["PATH"] = os.pathsep.join([str(workspace.bin), _one_python(_reader_path())])
    # Caches stay shared across runs: a reader's machine keeps them too.
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    env["PIP_CACHE_DIR"] = str(cache / "pip")
    for name, folder in _TOOL_HOMES.items():
        found = [home / folder for home in _real_homes() if (home / folder).is_dir()]
        if name in os.environ or found:
            env[name] = os.environ.get(name, str(found[0]) if found else "")
    env["UV_CACHE_DIR"] = os.environ.get("UV_CACHE_DIR", str(cache / "uv"))
    return env


def _real_homes() -> list[Path]:
    """HOME, and the user's login folder (a test runner may have moved HOME)."""
    return [Path.home(), Path(pwd.getpwuid(os.getuid()).pw_dir)]


def _reader_path() -> str:
    """PATH without the engine's own virtualenv: the reader never sees our tools."""
    own = {str(Path(sys.prefix) / "bin"), str(Path(sys.executable).parent)}
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and f not in own)


# Folders of a system's own programs: they may hold a python3, and stay on PATH.
_SYSTEM_BINS = frozenset(
    ("/bin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin", "/sbin", "/usr/sbin")
)


def _one_python(path: str) -> str:
    """``path`` without the folders of other Python installations (pyenv's versions, a
    virtualenv of nox): a reader has one Python, the one the workspace's bin links. A
    tool that goes looking for another (uv for a 3.10) must not find it here either."""
    return os.pathsep.join(f for f in path.split(os.pathsep) if not _python_home(Path(f)))


def _python_home(folder: Path) -> bool:
    if str(folder) in _SYSTEM_BINS:
        return False
    return (folder / "python3").exists() and any(folder.parent.glob("lib/python3*"))


def find_python(version: str, path: str | None = None) -> str | None:
    """The real ``pythonX.Y`` first on ``path`` (default: the reader's PATH) that runs.

    pyenv's shims answer only for one version, so each candidate is asked for its own
    ``sys.executable``; the engine's own interpreter is the last resort.
    """
    for folder in (path or _reader_path()).split(os.pathsep):
        candidate = Path(folder) / f"python{version}"
        if not os.access(candidate, os.X_OK):
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable)"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0:
            return probe.stdout.strip()  # the real interpreter, not a shim
    if version == "{}.{}".format(*sys.version_info[:2]):
        return str(getattr(sys, "_base_executable", sys.executable))  # the engine's own
    return None


def copy_as_cloned(source: Path, target: Path) -> None:
    """Copy a folder as a fresh clone has it: what git tracks or would track, no caches."""
    for relative in _listed_files(source):
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, destination)


def _listed_files(source: Path) -> list[Path]:
    """Files under ``source`` that git tracks or would track; every file outside git."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "."],
            cwd=source,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return [p.relative_to(source) for p in source.rglob("*") if p.is_file()]
    files = [Path(name) for name in listed.split("\0") if name]
    return [f for f in files if (source / f).is_file()]
