"""Every lock installs with the pip each supported Python ships, from an empty cache.

A reader's first ``pip install -r requirements-dev.txt`` runs the pip that came with
their Python (23.0.1 on 3.10, 23.2.1 on 3.11 and 3.12, 24.2 on 3.13 here), not today's.
When coverage 7.17.5 came out, the hash-locked files stopped installing with pip 23.x
(the locks had dropped ``coverage[toml]``'s extra, which pip 23 then refused in
hash-checking mode), while the engine, on a newer pip and a warm cache, stayed green.

pip resolves, downloads and checks every hash (``--dry-run``) in a virtualenv made by
that Python's own ``venv``, so its bundled pip, with no cache. requirements-mariadb.txt is
left out: its one package beyond requirements.txt, mysqlclient, is built from source
with the MariaDB C library, and the Database chapter installs it as the reader does.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from handbook.versions import read_python
from handbook.workspace import find_python
from tests.chapters import ENGINE_ROOT

LOCKS = (
    "sample_project/requirements.txt",
    "sample_project/requirements-dev.txt",
    "requirements-nox.txt",
)
pytestmark = pytest.mark.slow


def _bundled_pip(tmp_path: Path, version: str) -> Path:
    """``pip`` of a new virtualenv of Python ``version``: the pip that Python ships."""
    python = find_python(version)
    assert python, f"Python {version} (versions.toml) is not on PATH: install it to test its pip"
    venv = tmp_path / f"venv{version}"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
    return venv / "bin" / "pip"


def _install(pip: Path, lock: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(pip), "install", "--dry-run", "--ignore-installed", "--quiet", "-r", str(lock)],
        env={**os.environ, "PIP_CACHE_DIR": str(cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("version", read_python(ENGINE_ROOT).supported)
def test_each_lock_installs_with_the_pip_this_python_ships(tmp_path: Path, version: str) -> None:
    pip = _bundled_pip(tmp_path, version)
    bundled = subprocess.run([str(pip), "--version"], capture_output=True, text=True, check=True)
    for lock in LOCKS:
        done = _install(pip, ENGINE_ROOT / lock, tmp_path / "cache" / lock.replace("/", "-"))
        assert done.returncode == 0, (
            f"{lock} does not install with {bundled.stdout.split(' from ')[0]} "
            f"(Python {version}'s own):\n{done.stderr[-3000:]}"
        )


def test_a_lock_pip_refuses_fails_the_check(tmp_path: Path) -> None:
    """The check can fail: a hash that does not match is refused by the bundled pip."""
    oldest = read_python(ENGINE_ROOT).oldest
    lock = tmp_path / "requirements.txt"
    lock.write_text("six==1.17.0 --hash=sha256:" + "0" * 64 + "\n")

    done = _install(_bundled_pip(tmp_path, oldest), lock, tmp_path / "cache")

    assert done.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in done.stderr
