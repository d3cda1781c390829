"""The steps of a RUN instruction, and what the emulated build does with each.

``RUN a && b && c`` is three steps. Each is one of: a *system* step (apt-get, useradd,
rm under /var ...: the base image's business, not run here), a *venv* step
(``python -m venv PATH``), a *pip* step (``pip install ...``), or a *portable* step,
run as written with sh in the image folder (``python manage.py collectstatic``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

__all__ = ["Step", "StepKind", "split_run"]

_SYSTEM = frozenset(
    {"apt-get", "apt", "apk", "dnf", "yum", "microdnf", "dpkg", "update-ca-certificates"}
    | {"groupadd", "useradd", "addgroup", "adduser", "usermod", "chown", "chgrp"}
)
_SYSTEM_PATHS = ("/var/", "/etc/", "/usr/", "/root/")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)?)?$")
_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PIP_VALUED = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url"}
    | {"--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root"}
)


class StepKind(StrEnum):
    SYSTEM = "system"
    VENV = "venv"
    PIP = "pip"
    PORTABLE = "portable"


@dataclass(frozen=True)
class Step:
    """One command of a RUN instruction."""

    text: str
    """The command as written (so the shell sees exactly it)."""
    assignments: dict[str, str]
    """``VAR=value`` words before the command: variables for this command only."""
    argv: list[str]

    @property
    def program(self) -> str:
        return PurePosixPath(self.argv[0]).name if self.argv else ""

    @property
    def kind(self) -> StepKind:
        args = self.argv[1:]
        if self.program in _SYSTEM:
            return StepKind.SYSTEM
        if self.program == "rm" and all(
            a.startswith(_SYSTEM_PATHS) for a in args if not a.startswith("-")
        ):
            return StepKind.SYSTEM
        if _PYTHON.match(self.program) and args[:2] == ["-m", "venv"]:
            return StepKind.VENV
        if _PIP.match(self.program) and args[:1] == ["install"]:
            return StepKind.PIP
        if _PYTHON.match(self.program) and args[:3] == ["-m", "pip", "install"]:
            return StepKind.PIP
        return StepKind.PORTABLE

    def pip_arguments(self) -> list[str]:
        """What follows ``pip install``."""
        return self.argv[self.argv.index("install") + 1 :]

    def requirement_files(self) -> list[str]:
        """The ``-r FILE`` of a pip step (image paths)."""
        args = self.pip_arguments()
        files = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-r", "--requirement")]
        return files + [a.split("=", 1)[1] for a in args if a.startswith("--requirement=")]

    def requirements(self) -> list[str]:
        """The packages a pip step names on its command line."""
        named: list[str] = []
        skip = False
        for arg in self.pip_arguments():
            if skip or arg.startswith("-"):
                skip = not skip and arg in _PIP_VALUED
                continue
            named.append(arg)
        return named


def split_run(text: str) -> list[Step]:
    """The steps of a shell-form RUN, split at ``&&`` outside quotes."""
    steps = []
    for piece in _split_and(text):
        try:
            words = shlex.split(piece)
        except ValueError:
            words = piece.split()
        assignments: dict[str, str] = {}
        while words and _ASSIGNMENT.match(words[0]):
            name, _, value = words.pop(0).partition("=")
            assignments[name] = value
        steps.append(Step(piece.strip(), assignments, words))
    return steps


def _split_and(text: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    quote, index = "", 0
    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif text.startswith("&&", index):
            pieces.append("".join(current))
            current, index = [], index + 2
            continue
        current.append(char)
        index += 1
    pieces.append("".join(current))
    return [piece for piece in pieces if piece.strip()]
