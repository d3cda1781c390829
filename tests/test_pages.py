"""The handbook's own pages keep the reader-parity rules that no single block can check.

Each page starts in an empty folder of the reader's machine: one that works in the
team's project must show the clone, and none may tell the reader to change their git
identity (the prerequisites page sets it once, as the reader's own).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handbook.chapter import Chapter, load_chapter
from handbook.config import snippet_config
from handbook.directive import COMMON, OPTIONS, SHELL_LANGUAGES, Kind
from handbook.service import Probe

pytestmark = pytest.mark.pages

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
CLONE = "git clone https://"
# Commands that only work inside the team's project (or one the page made itself).
IN_A_PROJECT = ("python manage.py", "-r requirements.txt", "-r requirements-dev.txt")
IDENTITY_PAGE = "docs/prerequisites.md"


def chapter(page: Path) -> Chapter:
    return load_chapter(page.relative_to(ROOT), ROOT, snippet_config(ROOT))


def commands(page: Chapter) -> list[tuple[int, str]]:
    """(line, text) of every line the reader types: run, background and shown shell."""
    kinds = (Kind.RUN, Kind.BACKGROUND, Kind.SHOWN)
    return [
        (line.number, line.text)
        for block in page.blocks
        if block.kind in kinds and block.language in SHELL_LANGUAGES
        for line in block.lines
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_page_that_works_in_the_project_gets_it_by_a_visible_step(page: Path) -> None:
    """`python manage.py` in an empty folder fails: the reader must see where the project
    comes from (a clone of the team's project, or `startproject` on the setup page)."""
    typed = commands(chapter(page))
    first_use = next((n for n, text in typed if any(c in text for c in IN_A_PROJECT)), None)
    if first_use is None:
        return
    made = [n for n, text in typed if CLONE in text or "startproject" in text]
    missing = (
        f"docs/{page.name}:{first_use}: works in the project, but no earlier step gets it: "
        "start the page with `git clone {{ project.repository }}` and `cd {{ project.folder }}`"
    )
    assert made, missing
    assert made[0] < first_use, missing


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_but_prerequisites_sets_the_readers_git_identity(page: Path) -> None:
    """`git config --global user.name` overwrites who the reader is, on every repository."""
    if f"docs/{page.name}" == IDENTITY_PAGE:
        return
    found = [n for n, text in commands(chapter(page)) if "git config --global" in text]
    assert not found, (
        f"docs/{page.name}:{found[0] if found else 0}: changes the reader's global git "
        "settings: git already knows who they are (Prerequisites); use `git config` "
        "without --global, in the repository, if the page must"
    )


def test_the_clone_url_is_the_published_one() -> None:
    """Every clone on the pages is of the project's published URL, through the macro."""
    clones = [
        (page.name, n, text)
        for page in PAGES
        for n, text in commands(chapter(page))
        if CLONE in text
    ]
    assert clones, "no page clones the project"
    for name, number, text in clones:
        assert "github.com/our-team/django-app.git" in text, f"docs/{name}:{number}: {text}"


def test_every_file_a_page_includes_ends_with_a_newline() -> None:
    """A reader's editor saves the file they copy with a final newline; the repository's
    copy must agree, or `git diff` after the copy shows a change the page does not (and
    flake8 reports W292 on ours)."""
    included = {
        (page.name, target)
        for page in PAGES
        for target in re.findall(r"""--8<--\s+"([^":]+)\"""", page.read_text())
    }  # whole files; a section (path:name) ends where its marker is
    assert included, "no page includes a file"
    unterminated = [
        f"docs/{name}: {target}"
        for name, target in sorted(included)
        if not (ROOT / target).read_bytes().endswith(b"\n")
    ]
    assert not unterminated, f"files without a final newline: {unterminated}"


# Commands that work on Linux and not on macOS, with what works on both.
_LINUX_ONLY = {
    # GNU sed edits in place; macOS's (BSD) sed takes the next argument as the backup
    # suffix and fails or edits the wrong file.
    re.compile(r"\bsed\b[^|;&]*\s-[a-zA-Z]*i(\s|$)"): "`sed -i` without a suffix works "
    "only with GNU sed; use `perl -pi -e` (the same on Linux and macOS), or `sed -i.bak` "
    "then remove the .bak file",
    # GNU coreutils' checksums; macOS has `shasum -a 256` and `md5` instead.
    re.compile(r"\b(sha\d+sum|md5sum)\b"): "`sha256sum` and `md5sum` are GNU "
    "coreutils, which macOS lacks; use `shasum -a 256` (macOS has it, Linux with Perl), "
    "or let the program that holds the data compute it (PostgreSQL's `md5()`)",
}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_commands_work_on_linux_and_macos(page: Path) -> None:
    """The pages claim Linux and macOS: no command only one of them has."""
    found = [
        f"docs/{page.name}:{number}: {advice}: {text}"
        for number, text in commands(chapter(page))
        for pattern, advice in _LINUX_ONLY.items()
        if pattern.search(text)
    ]
    assert not found, "\n".join(found)


def test_every_service_port_is_its_pages_own() -> None:
    """Chapters verified at the same time take turns on a port they share, slowly: each
    service's port is listed under its page in docs/contributing.md (Ports), and no port
    is listed under two pages."""
    listed: dict[int, str] = {}
    for page, ports in re.findall(r"^\| `(docs/[\w-]+\.md)` \| (.+) \|$", _CONTRIBUTING, re.M):
        for number in map(int, re.findall(r"\b(\d{4,5})\b", ports)):
            assert number not in listed, (
                f"port {number} is listed under {listed[number]} and {page}"
            )
            listed[number] = page
    assert listed, "docs/contributing.md has no table of ports"
    for page in PAGES:
        for block in chapter(page).blocks:
            if block.kind is not Kind.BACKGROUND:
                continue
            port = _probe(block.directive.options).port_number()
            if port is not None:
                assert listed.get(port) == f"docs/{page.name}", (
                    f"{block.where()}: port {port} is "
                    + (f"{listed[port]}'s" if port in listed else "not in the table")
                    + ": list it under this page in docs/contributing.md (Ports), or choose one "
                    "no other page uses"
                )


_CONTRIBUTING = (ROOT / "docs" / "contributing.md").read_text()


def _probe(options: dict[str, str]) -> Probe:
    port = options.get("port")
    return Probe(url=options.get("probe"), port=int(port) if port else None)


def test_every_directive_option_is_in_the_contributing_guide() -> None:
    """A maintainer learns the directives from the guide: no option only the code knows."""
    options = {name for table in (*OPTIONS.values(), COMMON) for name in table}
    kinds = {kind.value for kind in OPTIONS}
    missing = sorted(
        name for name in options | kinds if not re.search(rf"`{name}(=[^`]*)?`", _CONTRIBUTING)
    )
    assert not missing, f"docs/contributing.md does not explain: {missing}"
