"""What a block needs from the machine beyond Python and git, and how to get it.

A block that needs such a part says so: ``<!-- handbook: run needs=nginx -->``. On a
machine without it, that block and the rest of its page are *not proved here*: reported
apart, with what to install, never as passed. Under CI (the ``CI`` variable, as nox reads
it for missing interpreters) or with ``--require-all``, a missing part fails the block
instead, so CI proves every block or says why not.

The same names are checked by the prerequisites script and listed in the README; a test
keeps the three in agreement.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from handbook.errors import Lacking

__all__ = ["MACOS_HAS_IT", "NEEDS", "Lacking", "Need", "missing", "required"]

MACOS_HAS_IT = "comes with macOS"


@dataclass(frozen=True)
class Need:
    """A part of the machine a block may need."""

    name: str
    """As written in ``needs=``."""
    what: str
    """What it is, for the reader."""
    programs: tuple[str, ...]
    """Programs that must be on PATH."""
    pkg_config: tuple[str, ...] = ()
    """pkg-config modules of which at least one must exist (a C library's headers)."""
    debian: str = ""
    """The install command on Debian and Ubuntu."""
    macos: str = ""
    """The install command on macOS, with Homebrew; empty when macOS comes with it."""

    def install(self) -> str:
        return f"Debian/Ubuntu: {self.debian}; macOS: {self.macos or MACOS_HAS_IT}"

    def explain(self) -> str:
        """``nginx, the web server ... (Debian/Ubuntu: ...; macOS: ...)``."""
        return f"{self.name}, {self.what} ({self.install()})"


NEEDS: Mapping[str, Need] = {
    need.name: need
    for need in (
        Need(
            "nginx",
            "the web server in front of gunicorn",
            ("nginx",),
            debian="sudo apt install nginx-light",
            macos="brew install nginx",
        ),
        Need(
            "mariadb-dev",
            "a C compiler and the MariaDB client library, to build mysqlclient",
            ("cc", "pkg-config"),
            pkg_config=("mysqlclient", "mariadb", "libmariadb"),
            debian="sudo apt install build-essential python3-dev libmariadb-dev pkg-config",
            macos="brew install mariadb-connector-c pkg-config, then export "
            'PKG_CONFIG_PATH="$(brew --prefix)/opt/mariadb-connector-c/lib/pkgconfig"',
        ),
        Need(
            "curl",
            "asks a running server for a page",
            ("curl",),
            debian="sudo apt install curl",
        ),
        Need(
            "openssl",
            "makes the self-signed certificate nginx serves",
            ("openssl",),
            debian="sudo apt install openssl",
            macos="brew install openssl@3",
        ),
        Need(
            "envsubst",
            "fills in the nginx site from the environment",
            ("envsubst",),
            debian="sudo apt install gettext-base",
            macos="brew install gettext",
        ),
        Need(
            "pgrep",
            "finds processes by name or parent",
            ("pgrep",),
            debian="sudo apt install procps",
        ),
        Need(
            "sqlite3",
            "the SQLite shell, for a backup and a restore",
            ("sqlite3",),
            debian="sudo apt install sqlite3",
        ),
        Need(
            "redis",
            "the cache and task queue server, started by the page",
            ("redis-server", "redis-cli"),
            debian="sudo apt install redis-server",
            macos="brew install redis",
        ),
        Need(
            "python3.12",
            "the Docker image's Python, beside yours, which Django 6 needs",
            ("python3.12",),
            debian="sudo apt install python3.12 python3.12-venv",
            macos="brew install python@3.12",
        ),
        Need(
            "chromium",
            "a browser, for the site's checks",
            ("chromium",),
            debian="sudo apt install chromium",
            macos="brew install --cask chromium",
        ),
    )
}


def missing(names: str, path: str) -> list[Need]:
    """The needs among ``names`` (comma-separated) that this PATH does not meet."""
    wanted = [NEEDS[name] for name in names.split(",") if name]
    return [need for need in wanted if not _met(need, path)]


def required(require_all: bool = False) -> bool:
    """True when a missing need must fail the run: under CI, or when asked."""
    return require_all or bool(os.environ.get("CI"))


def _met(need: Need, path: str) -> bool:
    if not all(_runs(program, path) for program in need.programs):
        return False
    if not need.pkg_config:
        return True
    pkg_config = shutil.which("pkg-config", path=path)
    assert pkg_config is not None  # it is one of the programs checked above
    return any(
        subprocess.run([pkg_config, "--exists", module], check=False).returncode == 0
        for module in need.pkg_config
    )


def _runs(program: str, path: str) -> bool:
    """On PATH; a Python must also start: pyenv's shim for a version that pyenv does not
    make global is on PATH, and fails ("pyenv: python3.12: command not found")."""
    found = shutil.which(program, path=path)
    if found is None or not program.startswith("python"):
        return found is not None
    return subprocess.run([found, "-c", ""], capture_output=True, check=False).returncode == 0
