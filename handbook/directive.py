"""Directives: how a chapter tells the engine what a code block is.

A directive is an HTML comment on the line(s) just before a fence. The site does not
render HTML comments, so the reader sees only the block::

    <!-- handbook: background probe=http://127.0.0.1:8000/ ready=30 -->
    ```bash
    python manage.py runserver 8000
    ```

The first word is the block's kind; the rest are ``key=value`` options (values may be
quoted) and bare flags. Blocks without a directive get a kind from their language:
shell languages run, Python runs, mermaid diagrams are shown. Anything else needs a
directive, so no block is ever silently ignored.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from enum import StrEnum

from handbook import emulators
from handbook.needs import NEEDS

__all__ = [
    "COMMON",
    "OPTIONS",
    "SHELL_LANGUAGES",
    "Directive",
    "Kind",
    "default_directive",
    "parse_directive",
]

_COMMENT = re.compile(r"\A\s*<!--\s*handbook:(.*?)-->\s*\Z", re.S)

DATABASES = ("postgresql", "sqlite", "mariadb")
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell"})
PYTHON_LANGUAGES = frozenset({"python", "py"})


class Kind(StrEnum):
    """What the engine does with a block."""

    RUN = "run"
    """Typed into the chapter's terminal; must succeed (or fail, when marked ``fails``)."""
    BACKGROUND = "background"
    """Started in the background, probed until ready, stopped when the chapter ends."""
    OUTPUT = "output"
    """The expected output of the run block before it."""
    FILE = "file"
    """Written to a path in the workspace, or checked against it (``check``)."""
    SHOWN = "shown"
    """Not run; the directive must say why."""
    STOP = "stop"
    """A step with no code: the reader presses Ctrl+C where a background service runs.
    The directive stands alone, after the sentence that says so."""


# Options each kind accepts: name -> True when the option takes a value.
OPTIONS: dict[Kind, dict[str, bool]] = {
    Kind.RUN: {"timeout": True, "fails": False, "exit": True, "emulate": True},
    Kind.BACKGROUND: {
        "probe": True,
        "port": True,
        "log": True,
        "status": True,
        "ready": True,
        "name": True,
    },
    Kind.OUTPUT: {},
    Kind.FILE: {"path": True, "check": False},
    Kind.SHOWN: {"reason": True},
    Kind.STOP: {"name": True},
}
# Options of every kind. database=A,B: the block applies only when the chapter runs on
# one of these databases; on another it is shown, with that reason. needs=A,B: parts of
# the machine the block needs beyond Python and git (handbook.needs).
COMMON = {"database": True, "needs": True}
_REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.FILE: ("path",),
    Kind.SHOWN: ("reason",),
    Kind.STOP: ("name",),
}


@dataclass(frozen=True)
class Directive:
    """A parsed directive: a kind and its options."""

    kind: Kind
    options: dict[str, str] = field(default_factory=dict)
    explicit: bool = True
    """False when the kind came from the block's language."""

    def flag(self, name: str) -> bool:
        return name in self.options


def is_directive(html: str) -> bool:
    """True for an HTML comment addressed to the engine."""
    return _COMMENT.match(html) is not None


def parse_directive(html: str) -> Directive:
    """Parse ``<!-- handbook: kind key=value flag -->``; ValueError says what is wrong."""
    match = _COMMENT.match(html)
    if match is None:
        raise ValueError("not a handbook directive")
    try:
        words = shlex.split(match.group(1))
    except ValueError as error:
        raise ValueError(f"cannot read the directive: {error}") from None
    if not words:
        raise ValueError(f"a directive needs a kind: one of {_kinds()}")
    try:
        kind = Kind(words[0])
    except ValueError:
        raise ValueError(f"unknown directive {words[0]!r}: use one of {_kinds()}") from None
    options = dict(_option(kind, word) for word in words[1:])
    missing = [name for name in _REQUIRED.get(kind, ()) if not options.get(name)]
    if missing:
        raise ValueError(f"'{kind.value}' needs {' and '.join(f'{m}=...' for m in missing)}")
    unknown = set(options.get("database", "").split(",")) - {"", *DATABASES}
    if unknown:
        raise ValueError(
            f"database= takes {', '.join(DATABASES)}, not {', '.join(sorted(unknown))}"
        )
    lacking = set(options.get("needs", "").split(",")) - {"", *NEEDS}
    if lacking:
        raise ValueError(
            f"needs= takes {', '.join(NEEDS)}, not {', '.join(sorted(lacking))} "
            "(handbook/needs.py says how to add one)"
        )
    if "emulate" in options and options["emulate"] not in emulators.names():
        known = ", ".join(emulators.names()) or "none yet"
        raise ValueError(f"no emulator named {options['emulate']!r} (known: {known})")
    if kind is Kind.BACKGROUND and not {"probe", "port", "log"} & options.keys():
        raise ValueError("'background' needs a readiness probe: probe=URL, port=N or log=TEXT")
    return Directive(kind, options)


def default_directive(language: str) -> Directive | None:
    """The kind a block gets from its language alone, or None if it needs a directive."""
    if language in SHELL_LANGUAGES or language in PYTHON_LANGUAGES:
        return Directive(Kind.RUN, explicit=False)
    if language == "mermaid":
        return Directive(Kind.SHOWN, {"reason": "a diagram, drawn by the site"}, False)
    return None


def _option(kind: Kind, word: str) -> tuple[str, str]:
    name, equals, value = word.partition("=")
    allowed = {**OPTIONS[kind], **COMMON}
    if name not in allowed:
        known = ", ".join(sorted(allowed)) or "none"
        raise ValueError(f"unknown option {name!r} for '{kind.value}' (known: {known})")
    if allowed[name] and not equals:
        raise ValueError(f"option {name!r} needs a value: {name}=...")
    if not allowed[name] and equals:
        raise ValueError(f"option {name!r} is a flag and takes no value")
    return name, value


def _kinds() -> str:
    return ", ".join(kind.value for kind in Kind)
