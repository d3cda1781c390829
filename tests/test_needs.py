"""A part of the machine a block needs: not proved here when missing, a failure under CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from handbook.chapter import load_chapter
from handbook.config import snippet_config
from handbook.directive import SHELL_LANGUAGES as SHELL
from handbook.directive import Kind
from handbook.fresh import fresh_path
from handbook.needs import MACOS_HAS_IT, NEEDS, missing
from handbook.versions import read_python
from tests.chapters import ENGINE_ROOT, Handbook, exact
from tests.test_prerequisites import SCRIPT, checked_by, scan_block

INSTALL = "Debian/Ubuntu: sudo apt install nginx-light; macOS: brew install nginx"


@pytest.fixture
def without_nginx(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH without the sbin folders, where Debian puts nginx."""
    folders = [f for f in os.environ["PATH"].split(os.pathsep) if not f.endswith("/sbin")]
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    monkeypatch.delenv("CI", raising=False)


@pytest.mark.usefixtures("without_nginx")
def test_from_a_block_whose_needs_are_missing_the_page_is_not_proved_here(
    handbook: Handbook,
) -> None:
    handbook.chapter_from("needs")
    line = handbook.line_of("needs", "nginx -v") - 1

    result = handbook.run("docs/needs.md")

    result.assert_outcomes(passed=1, skipped=2)
    reason = (
        f"not proved here: the block at docs/needs.md:{line} needs nginx, the web server "
        f"in front of gunicorn ({INSTALL})"
    )
    result.stdout.fnmatch_lines(
        [
            "*- not proved on this machine -*",
            exact(f"needs: 2 blocks {reason}"),
            exact(f"SKIPPED [2] docs/needs.md:{line}: {reason}"),  # one line, not one a block
        ]
    )
    run = handbook.report()["runs"]["needs"]
    assert run["status"] == "not proved"
    assert run["counts"]["not proved"] == 2
    assert [b["status"] for b in run["blocks"]] == ["passed", "not proved", "not proved"]


@pytest.mark.usefixtures("without_nginx")
@pytest.mark.parametrize("how", ["CI", "--require-all"])
def test_under_ci_or_require_all_a_missing_need_fails_the_block(
    handbook: Handbook, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    handbook.chapter_from("needs")
    line = handbook.line_of("needs", "nginx -v") - 1
    args = ["docs/needs.md"]
    if how == "CI":
        monkeypatch.setenv("CI", "true")
    else:
        args.append(how)

    result = handbook.run(*args)

    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            exact(f"docs/needs.md:{line}: the block needs nginx, the web server in front of ")
            + "*, and this machine lacks it"
        ]
    )
    assert handbook.report()["runs"]["needs"]["status"] == "failed"


def test_where_the_need_is_met_every_block_is_proved(
    handbook: Handbook, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Met by a stand-in `nginx`: the engine's choice, not nginx, is what is tested, so
    it is tested on a machine without nginx too."""
    nginx = tmp_path / "nginx"
    nginx.write_text("#!/bin/sh\necho 'nginx version: a stand-in' >&2\n")
    nginx.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CI", "true")
    handbook.chapter_from("needs")

    handbook.run("docs/needs.md").assert_outcomes(passed=3)


def test_an_unknown_need_is_refused_with_the_known_ones(handbook: Handbook) -> None:
    handbook.chapter(
        "needs", "# x\n\n<!-- handbook: run needs=nginx,memcached -->\n```bash\nx\n```\n"
    )

    result = handbook.collect("docs/needs.md")

    result.stdout.fnmatch_lines(
        [f"*docs/needs.md:3: needs= takes {', '.join(NEEDS)}, not memcached*"]
    )


def _declared() -> dict[str, str]:
    """Each need the pages declare, with the first block that declares it."""
    root = ENGINE_ROOT
    found: dict[str, str] = {}
    for page in sorted((root / "docs").glob("*.md")):
        chapter = load_chapter(page.relative_to(root), root, snippet_config(root))
        for block in chapter.blocks:
            for name in filter(None, block.directive.options.get("needs", "").split(",")):
                found.setdefault(name, block.where())
    return found


def test_the_readme_names_every_need_and_how_to_install_it() -> None:
    readme = (ENGINE_ROOT / "README.md").read_text()
    for need in NEEDS.values():
        row = f"| `{need.name}` |"
        assert row in readme, f"README.md: no row for {need.name} in 'What your machine may lack'"
        line = next(line for line in readme.splitlines() if line.startswith(row))
        assert f"`{need.debian}`" in line, line
        assert (f"`{need.macos}`" if need.macos else MACOS_HAS_IT) in line, line


@pytest.mark.pages
def test_the_prerequisites_script_checks_what_the_pages_need() -> None:
    """A reader learns on the prerequisites page what the engine would find missing."""
    declared = _declared()
    assert "nginx" in declared, "expected the deployment chapter to declare nginx"
    checked = checked_by((ENGINE_ROOT / SCRIPT).read_text())
    for name, where in declared.items():
        lacking = set(NEEDS[name].programs) - checked
        assert not lacking, f"{where} needs {name}; {SCRIPT} does not check {lacking}"


@pytest.mark.pages
def test_a_page_declares_a_need_at_or_before_its_first_use() -> None:
    """Otherwise a machine without it fails the page ("nginx: command not found") instead
    of saying what was not proved and what to install."""
    root = ENGINE_ROOT
    undeclared = []
    for page in sorted((root / "docs").glob("*.md")):
        declared: set[str] = set()
        for block in load_chapter(page.relative_to(root), root, snippet_config(root)).blocks:
            declared |= set(filter(None, block.directive.options.get("needs", "").split(",")))
            if block.kind not in (Kind.RUN, Kind.BACKGROUND) or block.language not in SHELL:
                continue
            for use in scan_block(block)[0]:
                undeclared += [
                    f"{use.where}: calls {use.name}; mark it or an earlier block needs={need.name}"
                    for need in NEEDS.values()
                    if use.name in need.programs and need.name not in declared
                ]
    assert not undeclared, "\n".join(undeclared)


def test_the_second_python_a_page_needs_is_the_docker_images() -> None:
    """Upgrades makes an environment on the image's Python; the need, the prerequisites
    script and the page name it, and move with the Dockerfile."""
    image = f"python{read_python(ENGINE_ROOT).image}"
    assert image in NEEDS, f"handbook/needs.py: no need {image} (the Dockerfile's Python)"
    assert image in checked_by((ENGINE_ROOT / SCRIPT).read_text()), f"{SCRIPT} checks {image}"
    assert f"needs={image}" in (ENGINE_ROOT / "docs/upgrades.md").read_text()


def test_a_fresh_machine_has_core_utilities_git_and_python_and_no_need(tmp_path: Path) -> None:
    """`nox -s fresh` runs on this PATH: what a minimal Debian has, plus git and Python.

    The Pythons nox runs sessions on are there too (handbook/fresh.py), so the need of
    a second Python is met: nox could not run without it."""
    path = fresh_path(tmp_path / "bin", os.environ["PATH"])

    for program in ("sh", "bash", "ls", "sed", "grep", "awk", "tar", "git", "python3"):
        assert shutil.which(program, path=path), f"a fresh machine has {program}"
    pythons = {name for name in NEEDS if name.startswith("python3.")}
    assert pythons, "expected the need of a second Python"
    for need in NEEDS.values():
        lacks = [] if need.name in pythons else [need]
        assert missing(need.name, path) == lacks, f"a fresh machine: {need.name}"


def test_a_python_that_does_not_start_is_missing(tmp_path: Path) -> None:
    """pyenv's shim answers for every version it knows and fails for one not made global."""
    shim = tmp_path / "python3.12"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.12: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)

    assert missing("python3.12", str(tmp_path)) == [NEEDS["python3.12"]]
