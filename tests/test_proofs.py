"""What plain nox reuses (handbook/proofs.py): a change invalidates exactly the sessions
whose inputs hold it, and a green proof is reused only while its inputs are unchanged.

The digests are computed on a copy of this repository, as noxfile.py computes them; a
file is changed in the copy and the sessions whose digest moved are compared.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

import pytest

from handbook import proofs
from handbook.config import snippet_config
from handbook.journey import onboarding_path
from handbook.source import read_source
from handbook.workspace import copy_as_cloned
from tests.chapters import ENGINE_ROOT

pytestmark = pytest.mark.pages

# Plain nox's sessions whose inputs are a page (noxfile.py's CHAPTERS), and the others.
PAGES = sorted(path.stem for path in (ENGINE_ROOT / "docs").glob("*.md"))
COMPAT = "compat(python='3.12', django='5.2')"
OTHERS = ["lint", "engine", "sample", COMPAT, "journey", "docs", "site"]
SESSIONS = [*PAGES, *OTHERS]
ON_THE_PATH = {Path(page).stem for page in onboarding_path(ENGINE_ROOT)}
NOW = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("proofs") / "handbook"
    copy_as_cloned(ENGINE_ROOT, copy)
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    return copy


def _digests(root: Path) -> dict[str, str]:
    every = proofs.tracked(root)
    assert every is not None
    machine = proofs.machine(os.environ["PATH"], os.environ)
    return {
        session: proofs.digest(root, session, proofs.files(root, session, every), machine)
        for session in SESSIONS
    }


def _moved(root: Path, name: str, change: str = "\n# changed\n") -> set[str]:
    """The sessions whose digest moves when ``change`` is appended to ``name``."""
    file = root / name
    before, text = _digests(root), file.read_text()
    file.write_text(text + change)
    try:
        after = _digests(root)
    finally:
        file.write_text(text)
    return {session for session in SESSIONS if before[session] != after[session]}


def _cloning() -> set[str]:
    """The pages that clone the sample project."""
    docs = ENGINE_ROOT / "docs"
    return {slug for slug in PAGES if "project.repository" in (docs / f"{slug}.md").read_text()}


WHOLE = {"docs", "site"}
"""Sessions that read every file; the engine reads every file but the pages."""


def test_a_sample_file_a_page_includes_moves_that_page_and_those_that_clone_the_project(
    repository: Path,
) -> None:
    moved = _moved(repository, "sample_project/apps/users/models.py")

    # setup.md includes it without cloning; git.md neither includes nor clones it.
    assert "setup" not in _cloning()
    expected = _cloning() | {"setup", "journey", "sample", COMPAT}
    assert moved == expected | WHOLE | {"engine"}


def test_a_snippet_moves_only_the_page_that_includes_it(repository: Path) -> None:
    moved = _moved(repository, "snippets/check-branch-name.sh")

    assert moved == {"git", "journey", "engine"} | WHOLE
    assert "git" in ON_THE_PATH


def test_a_pin_or_the_engine_moves_every_session(repository: Path) -> None:
    for name in ("sample_project/requirements.txt", "pyproject.toml", "handbook/terminal.py"):
        assert _moved(repository, name) == set(SESSIONS), name


def test_a_page_moves_its_chapter_and_the_sessions_that_read_every_page(
    repository: Path,
) -> None:
    """Not the engine's tests: those that read the pages are marked and run in docs."""
    sentence = "\nA sentence.\n"
    assert _moved(repository, "docs/git.md", sentence) == {"git", "journey"} | WHOLE
    assert _moved(repository, "docs/contributing.md", sentence) == {"contributing"} | WHOLE
    # The home page holds the onboarding path, which noxfile.py reads.
    assert _moved(repository, "docs/index.md", sentence) == {"index", "journey", "engine"} | WHOLE


def test_a_change_elsewhere_moves_no_chapter(repository: Path) -> None:
    assert _moved(repository, "README.md") == {"engine"} | WHOLE
    assert _moved(repository, "tests/test_summary.py") == {"lint", "engine"} | WHOLE


def test_a_new_file_counts_before_it_is_committed(repository: Path) -> None:
    before = _digests(repository)
    added = repository / "sample_project" / "apps" / "notes.py"
    added.write_text("NOTE = 1\n")
    try:
        after = _digests(repository)
    finally:
        added.unlink()

    assert before["structure"] != after["structure"]
    assert before["git"] == after["git"]


def test_the_machine_counts_its_programs_and_variables(tmp_path: Path) -> None:
    program = tmp_path / "nginx"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    path = f"{tmp_path}:{os.environ['PATH']}"
    first = proofs.machine(path, {})

    program.write_text("#!/bin/sh\n# upgraded\n")

    assert proofs.machine(path, {}) != first
    elsewhere = {"DATABASE_URL": "postgresql://elsewhere/db"}
    assert proofs.machine(path, elsewhere) != proofs.machine(path, {})


def test_every_file_a_page_includes_is_an_input_of_its_chapter() -> None:
    """The inputs' reading of ``--8<--`` finds what the engine itself includes."""
    config = snippet_config(ENGINE_ROOT)
    for slug in PAGES:
        page = Path("docs") / f"{slug}.md"
        source = read_source(ENGINE_ROOT / page, config, page, ENGINE_ROOT)
        targets = {line.included for line in source.lines if line.included}
        # A section of a file: path:name.
        included = {t if (ENGINE_ROOT / t).is_file() else t.rsplit(":", 1)[0] for t in targets}
        assert included <= proofs.includes(ENGINE_ROOT, str(page)), slug


def test_a_green_proof_is_reused_only_with_the_same_inputs_and_while_young(
    tmp_path: Path,
) -> None:
    proofs.record(tmp_path, "git", "abc", "2026-12-01T10:00:00+00:00")
    proofs.record(tmp_path, "lint", "def", "2026-11-01T10:00:00+00:00")

    assert proofs.reused(tmp_path, "git", "abc", NOW) == "2026-12-01T10:00:00+00:00"
    assert proofs.reused(tmp_path, "git", "abd", NOW) is None
    assert proofs.reused(tmp_path, "lint", "def", NOW) is None  # older than a week
    assert proofs.reused(tmp_path, "setup", "abc", NOW) is None
    # Another branch's proof is kept beside it: switching back reuses it.
    proofs.record(tmp_path, "git", "xyz", "2026-12-01T11:00:00+00:00")
    assert proofs.reused(tmp_path, "git", "abc", NOW) == "2026-12-01T10:00:00+00:00"
    assert proofs.reused(tmp_path, "git", "xyz", NOW) == "2026-12-01T11:00:00+00:00"
    for number in range(proofs.KEPT):
        proofs.record(tmp_path, "git", f"later-{number}", "2026-12-01T11:30:00+00:00")
    assert proofs.reused(tmp_path, "git", "abc", NOW) is None  # the oldest went
    assert set(json.loads((tmp_path / "build" / "proofs.json").read_text())) == {"git", "lint"}


def test_outside_a_git_checkout_nothing_is_listed_so_nothing_is_reused(tmp_path: Path) -> None:
    (tmp_path / "noxfile.py").write_text("")

    assert proofs.tracked(tmp_path) is None


def test_force_and_ci_prove_everything() -> None:
    assert proofs.forced({}) is None
    assert proofs.forced({"CI": "false", "HANDBOOK_FORCE": "0"}) is None
    assert proofs.forced({"HANDBOOK_FORCE": "1"}) == "HANDBOOK_FORCE is set"
    assert proofs.forced({"CI": "true"}) == "CI is set"
