"""A chapter runs in a workspace of its own: the repository and the user's files are untouched."""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook.needs import NEEDS
from handbook.workspace import Workspace, find_python, terminal_environment
from tests.chapters import Handbook, wait_until, workspaces

GITIGNORE = """\
/build/
# pytester's own files (--basetemp, captured output), not the engine's
/runpytest-*
/stdout
/stderr
"""


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_a_run_leaves_the_repository_and_the_users_git_config_alone(handbook: Handbook) -> None:
    """Verifying the handbook must never dirty the checkout or the developer's own config."""
    handbook.chapter_from("repository")
    (handbook.root / ".gitignore").write_text(GITIGNORE)
    git(handbook.root, "init", "-q", "-b", "main")
    git(handbook.root, "add", "-A")
    git(handbook.root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "x")
    users = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".gitconfig"
    users_before = fingerprint(users)
    earlier = workspaces("repository")

    result = handbook.run("docs/repository.md")

    result.assert_outcomes(passed=2)
    assert git(handbook.root, "status", "--porcelain") == ""
    assert (handbook.root / "build" / "verification.json").is_file()
    assert git(handbook.root, "check-ignore", "build/verification.json").strip()
    assert not (Path(os.environ["HOME"]) / ".gitconfig").exists()  # the engine's own HOME
    assert fingerprint(users) == users_before
    assert workspaces("repository") == earlier


def test_the_readers_path_has_one_python_not_every_installed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyenv's version folders hid a gap from the engine: uv found a 3.10 there that a
    reader with one Python does not have, and downloaded none (practices.md)."""
    other = tmp_path / "versions" / "3.10.13"
    (other / "bin").mkdir(parents=True)
    (other / "lib" / "python3.10").mkdir(parents=True)
    (other / "bin" / "python3").touch()
    tools = tmp_path / "tools"
    tools.mkdir()
    monkeypatch.setenv("PATH", os.pathsep.join([str(other / "bin"), str(tools), "/usr/bin"]))
    workspace = Workspace("one-python")
    try:
        path = terminal_environment(workspace)["PATH"].split(os.pathsep)
    finally:
        workspace.remove()

    assert path == [str(workspace.bin), str(tools), "/usr/bin"]


def test_other_users_may_pass_through_the_workspace_but_not_list_it(tmp_path: Path) -> None:
    """nginx started by root serves static files from its workers, run as nobody."""
    workspace = Workspace("modes", parent=tmp_path)
    try:
        assert workspace.root.stat().st_mode & 0o777 == 0o711
    finally:
        workspace.remove()


def test_a_second_python_a_page_needs_is_there_beside_the_readers_own(handbook: Handbook) -> None:
    """A reader who installed the Python a page needs has it as pythonX.Y, while python3
    stays theirs (upgrades.md: python3.12 beside a 3.11). Without the link, the PATH of
    one Python hid it, and the page was "not proved here" on a machine that has it."""
    other = next(name for name in NEEDS if name.startswith("python3."))[len("python") :]
    readers = [v for v in ("3.10", "3.11", "3.12", "3.13") if v != other and find_python(v)]
    if not readers or not find_python(other):
        pytest.skip(f"this machine lacks python{other} or a Python to put it beside")
    reader = readers[0]
    handbook.chapter(
        "second",
        f"""# Second

<!-- handbook: run needs=python{other} -->
```bash
python{other} -c 'import sys; print(sys.version_info[:2])'
python3 -c 'import sys; print(sys.version_info[:2])'
```

<!-- handbook: output -->
```text
{tuple(int(part) for part in other.split("."))}
{tuple(int(part) for part in reader.split("."))}
```
""",
    )

    result = handbook.run("docs/second.md", "--require-all", "--reader-python", reader)

    result.assert_outcomes(passed=2)


def test_a_kept_workspace_outlives_the_run(handbook: Handbook) -> None:
    """--keep-workspace keeps the folder to look around in: the watchdog, which removes
    what a run leaves when it ends, is told it is the developer's now."""
    handbook.chapter("kept", "# Kept\n\n```bash\necho here > note\n```\n")
    before = set(workspaces("kept"))

    result = handbook.run("docs/kept.md", "--keep-workspace")

    result.assert_outcomes(passed=1)
    kept = [folder for folder in workspaces("kept") if folder not in before]
    try:
        assert len(kept) == 1
        result.stdout.fnmatch_lines([f"docs/kept.md: {kept[0]}"])
        note = kept[0] / "work" / "note"
        # The watchdog ends just after the run: give it the time to act.
        assert not wait_until(lambda: not note.exists(), timeout=2), "removed after the run"
        assert note.read_text() == "here\n"
    finally:
        for folder in kept:
            shutil.rmtree(folder)
