"""A chapter runs in a workspace of its own: the repository and the user's files are untouched."""

from __future__ import annotations

import hashlib
import os
import pwd
import subprocess
from pathlib import Path

from tests.chapters import Handbook, workspaces

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
