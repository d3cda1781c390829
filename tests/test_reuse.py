"""The real noxfile reuses a green proof (handbook/proofs.py): plain nox leaves the
session out, the summary says from when, and an edit, CI or HANDBOOK_FORCE brings it back.

In a copy of this repository; its inputs hold no page, so it runs with the engine's tests.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from handbook.workspace import copy_as_cloned
from tests.chapters import ENGINE_ROOT


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    copy = tmp_path / "handbook"
    copy_as_cloned(ENGINE_ROOT, copy)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    return copy


@pytest.mark.slow
def test_plain_nox_leaves_out_a_session_proved_green_until_its_inputs_change(
    repository: Path,
) -> None:
    """The real noxfile, in the copy: `nox -s lint` passes, so plain nox reuses it; the
    summary says from when; an edit to a file it reads, or HANDBOOK_FORCE, brings it back."""
    nox = str(ENGINE_ROOT / ".nox" / "tools" / "bin" / "nox")
    # As a maintainer's shell: not forced, and not inside another nox's run (script/test).
    outer = ("CI", "HANDBOOK_FORCE", "HANDBOOK_STARTED")
    env = {key: value for key, value in os.environ.items() if key not in outer}

    def plain(**extra: str) -> list[str]:
        listed = subprocess.run(
            [nox, "-l", "--json"], cwd=repository, env={**env, **extra},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [session["session"] for session in json.loads(listed.stdout)]

    assert "lint" in plain()
    # A run given arguments (here, a selection of the engine's tests) is not kept.
    selection = subprocess.run(
        [nox, "-s", "engine", "--", "tests/test_summary.py"],
        cwd=repository, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert selection.returncode == 0, selection.stdout[-3000:] + selection.stderr[-3000:]
    assert "engine" in plain()
    lint = subprocess.run(
        [nox, "-s", "lint"], check=False, cwd=repository, env=env, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-3000:]

    assert "lint" not in plain()
    assert "lint" in plain(HANDBOOK_FORCE="1")
    assert "lint" in plain(CI="true")
    summary = subprocess.run(
        [nox, "-s", "summary"], cwd=repository, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "reused, their inputs unchanged since their last green proof:" in summary
    assert "  lint: from 20" in summary
    test = repository / "tests" / "test_summary.py"
    text = test.read_text()
    test.write_text(text + "\n")
    try:
        assert "lint" in plain()
    finally:
        test.write_text(text)
