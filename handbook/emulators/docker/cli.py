"""A docker command line, read the way the docker CLI reads it (for the commands we know).

Anything else (another subcommand, an unknown option, shell operators or variables on
the line) is refused before any line of the block runs, with the reason.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

__all__ = ["Call", "parse_call"]

_FORMAT = {"--format": True}
# Each command's options: name -> takes a value.
_OPTIONS: dict[tuple[str, ...], dict[str, bool]] = {
    ("build",): {"-t": True, "--tag": True, "-f": True, "--file": True, "--pull": False}
    | {"--no-cache": False, "-q": False, "--quiet": False, "--progress": True},
    ("image", "ls"): {"-a": False, "--all": False, **_FORMAT},
    ("compose", "config"): {"-q": False, "--quiet": False},
    ("compose", "up"): {"-d": False, "--detach": False, "--build": False, "--wait": False}
    | {"--wait-timeout": True, "--no-build": False},
    ("compose", "build"): {"--pull": False, "--no-cache": False},
    ("compose", "run"): {"--rm": False, "-T": False, "--no-deps": False},
    ("compose", "exec"): {"-T": False},
    ("compose", "ps"): {},
    ("compose", "logs"): {"--no-log-prefix": False, "-t": False, "--timestamps": False}
    | {"--tail": True},
    ("compose", "down"): {"-v": False, "--volumes": False, "--remove-orphans": False},
}
_ALIASES = {("images",): ("image", "ls"), ("image", "list"): ("image", "ls")}
_COMPOSE_GLOBAL = {"-f": True, "--file": True, "-p": True, "--project-name": True}
# run and exec: options, then the service, then its command (not docker's options).
_COMMAND_FOLLOWS = {("compose", "run"), ("compose", "exec")}
_OPERATORS = ("&&", "||", "|", ";", ">", "<", "&", "$", "`")


@dataclass(frozen=True)
class Call:
    """A parsed docker command."""

    command: tuple[str, ...]
    """("build",), ("compose", "up") ..."""
    options: dict[str, list[str]]
    """Each option given: its values ("" for a flag)."""
    args: list[str]

    def flag(self, *names: str) -> bool:
        return any(name in self.options for name in names)

    def values(self, *names: str) -> list[str]:
        return [value for name in names for value in self.options.get(name, [])]


def parse_call(line: str) -> Call:
    """Read ``docker ...``; ValueError says why the line cannot be emulated."""
    if any(operator in line for operator in _OPERATORS):
        raise ValueError("shell operators or variables on a docker line are not emulated")
    words = shlex.split(line)[1:]
    options: dict[str, list[str]] = {}
    command: tuple[str, ...] = tuple(words[:1])
    if command == ("compose",):
        words = _take(words[1:], _COMPOSE_GLOBAL, options, stop=True)
        command = ("compose", *words[:1])
        words = words[1:]
    else:
        command = tuple(words[:2]) if words[:1] == ["image"] else command
        words = words[len(command) :]
    command = _ALIASES.get(command, command)
    known = _OPTIONS.get(command)
    if known is None:
        supported = ", ".join("docker " + " ".join(c) for c in _OPTIONS)
        raise ValueError(f"`docker {' '.join(command)}` is not emulated (emulated: {supported})")
    args = _take(words, known, options, stop=command in _COMMAND_FOLLOWS)
    if command == ("build",) and len(args) != 1:
        raise ValueError("docker build takes one build context (PATH)")
    if command in _COMMAND_FOLLOWS and not args:
        raise ValueError(f"docker {' '.join(command)} needs a service")
    return Call(command, options, args)


def _take(
    words: list[str], known: dict[str, bool], into: dict[str, list[str]], stop: bool
) -> list[str]:
    """Move the options in ``words`` into ``into``; the rest (after ``stop``: all) remain."""
    rest: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if (rest and stop) or not word.startswith("-") or word == "-":
            rest.append(word)
            index += 1
            continue
        name, equals, value = word.partition("=")
        if name not in known:
            raise ValueError(f"the option {name} is not emulated")
        if known[name] and not equals:
            if index + 1 >= len(words):
                raise ValueError(f"the option {name} needs a value")
            index += 1
            value = words[index]
        into.setdefault(name, []).append(value)
        index += 1
    return rest
