"""script/bootstrap: the README's two commands set up their own tools, or say what is missing.

The full install is proved by CI itself, which runs the README's ``script/test`` from a
fresh clone; these tests cover the two paths CI never takes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from handbook.versions import read_python
from handbook.workspace import copy_as_cloned, find_python
from tests.chapters import ENGINE_ROOT

SCRIPTS = ("bootstrap", "server", "test")


def _clone(tmp_path: Path) -> Path:
    """The scripts and the lock, as a fresh clone has them."""
    root = tmp_path / "handbook"
    (root / "script").mkdir(parents=True)
    for name in SCRIPTS:
        shutil.copy2(ENGINE_ROOT / "script" / name, root / "script" / name)
    shutil.copy2(ENGINE_ROOT / "requirements-nox.txt", root / "requirements-nox.txt")
    return root


def _path_with(tmp_path: Path, pythons: dict[str, str]) -> str:
    """A PATH with the core utilities and only the Pythons given (name: interpreter)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "cmp", "cp", "mkdir", "rm", "dirname", "tail", "cat"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    for name, interpreter in pythons.items():
        (bin_dir / name).symlink_to(interpreter)
    return str(bin_dir)


def _bootstrap(root: Path, path: str, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command or ["script/bootstrap"]),
        cwd=root,
        env={"PATH": path, "HOME": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_scripts_are_executable_and_posix_sh() -> None:
    for name in SCRIPTS:
        script = ENGINE_ROOT / "script" / name
        assert script.stat().st_mode & 0o111, f"script/{name} is not executable"
        assert script.read_text().startswith("#!/bin/sh\n"), f"script/{name}: #!/bin/sh"


def test_without_a_python_nox_can_run_on_it_says_which_and_makes_nothing(tmp_path: Path) -> None:
    root = _clone(tmp_path)
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\nexit 1\n")  # answers no to "3.10 or newer?"
    fake.chmod(0o755)

    done = _bootstrap(root, _path_with(tmp_path, {"python3": str(fake)}))

    assert done.returncode == 1
    assert "nox needs Python 3.10 or newer, and none is on PATH" in done.stderr
    assert not (root / ".nox").exists()


def test_tools_made_from_the_same_lock_are_not_made_again(tmp_path: Path) -> None:
    """The second run of script/test starts at once: nothing is installed or asked."""
    root = _clone(tmp_path)
    tools = root / ".nox" / "tools"
    (tools / "bin").mkdir(parents=True)
    (tools / "bin" / "nox").write_text("#!/bin/sh\n")
    (tools / "bin" / "nox").chmod(0o755)
    shutil.copy2(root / "requirements-nox.txt", tools / "requirements-nox.txt")

    done = _bootstrap(root, _path_with(tmp_path, {"python3": sys.executable}))

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_on_the_oldest_python_a_fresh_clone_sets_up_nox_and_lists_the_sessions(
    tmp_path: Path,
) -> None:
    """The README's Python floor, with its bundled pip (23.2 on 3.10) and the hash-locked
    tools: the noxfile and what it imports must load there, not only on the engine's 3.12."""
    oldest = read_python(ENGINE_ROOT).oldest
    interpreter = find_python(oldest)
    assert interpreter, f"Python {oldest}, the oldest the README names, is not on PATH"
    root = tmp_path / "handbook"
    copy_as_cloned(ENGINE_ROOT, root)
    path = _path_with(tmp_path, {"python3": interpreter, "git": shutil.which("git") or "git"})

    done = _bootstrap(root, path, "script/test", "--list")

    assert done.returncode == 0, done.stderr[-3000:]
    assert f"making .nox/tools with Python {oldest}." in done.stderr
    assert "* journey -> Follow docs/index.md's onboarding path" in done.stdout
