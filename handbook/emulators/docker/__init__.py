"""The docker emulator: docker blocks on a machine where no Docker daemon answers.

Where a daemon answers, ``emulate=docker`` blocks run for real. Elsewhere each line of
the block is read: a docker command the emulation knows (``docker build``, ``docker
image ls``, ``docker compose config|up|build|run|exec|ps|logs|down``) is emulated, any
other line (``curl``, ``cp``) runs in the chapter's terminal for real. What is checked:

- hadolint on the Dockerfile; the compose file against the Compose Specification, and
  no obsolete ``version:``;
- ``.env.example`` agrees with compose (POSTGRES_* and every DATABASE_URL); every COPY
  source is in the build context; ``.dockerignore`` keeps ``.env``, ``.git`` and
  virtualenvs out; the CMD's program is installed and its WSGI module is in the image;
- the build, in a folder: a virtualenv on the Dockerfile's Python, the requirements
  installed by the Dockerfile's own pip line, the context copied as ``.dockerignore``
  filters it, the portable RUN steps run (collectstatic); apt-get and useradd are not;
- ``compose up``: one-off services (migrate) run, the web service started from the
  image folder with compose's environment, its database stood in for by one on the reader's
  PostgreSQL, until the Dockerfile's HEALTHCHECK passes; ``compose down`` stops it.

The block's reason in the report says which of these ran.

The package's parts:

- ``cli``: a docker command line, parsed; ``commands`` and ``compose_commands``: what
  each command does; ``state``: what one block's commands share, and the checked build;
- ``checks``: the checks that need no build; ``env_example``: ``.env.example`` against
  the compose file;
- ``dockerfile``, ``context`` (the build context), ``steps`` (a RUN's steps), ``build``,
  ``image`` (an image folder, and the image store), ``process`` (running its programs);
- ``compose`` (the compose file), ``variables`` (``.env`` and ``${VAR}``),
  ``containers`` (a service's process), ``background`` (the services compose up starts,
  Redis's stand-in among them).

The block's commands are read, and its other lines run, by ``handbook.emulators.lines``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.daemon import docker_available
from handbook.emulators.docker.checks import check_image
from handbook.emulators.docker.cli import Call, parse_call
from handbook.emulators.docker.commands import HANDLERS
from handbook.emulators.docker.compose import find_compose, validate
from handbook.emulators.docker.context import Context
from handbook.emulators.docker.dockerfile import read_dockerfile
from handbook.emulators.docker.env_example import check_example
from handbook.emulators.docker.state import State
from handbook.emulators.lines import (
    Command,
    Deadline,
    chunks,
    commands,
    failure,
    ran_for_real,
    run_in_terminal,
)
from handbook.errors import Problem
from handbook.failure import Failure, excerpt
from handbook.status import Outcome, Status

if TYPE_CHECKING:
    from handbook.block import Block
    from handbook.desk import Desk

__all__ = ["Problem", "available", "check", "emulate"]

_NO_DAEMON = "no Docker daemon"


@dataclass(frozen=True)
class _Line(Command):
    """A command of the block: docker (emulated, with its call) or not (run for real)."""

    call: Call | None = None


def available() -> bool:
    """True when a Docker daemon answers: docker blocks then run for real."""
    return docker_available()


def emulate(desk: Desk, block: Block) -> Outcome:
    """Emulate the block's docker commands and run its other lines; Failure on a problem."""
    lines = _lines(block)
    timeout = desk.timeout(block)
    state = State(desk, Deadline.after(timeout))
    notes: list[str] = []
    for chunk in chunks(lines):
        if chunk[0].call is None:
            run_in_terminal(desk, block, chunk, state.deadline)
            notes.append(ran_for_real(chunk))
            continue
        line, call = chunk[0], chunk[0].call
        state.where = block.where(line.index)
        try:
            notes += HANDLERS[call.command](state, call)
        except Problem as problem:
            raise failure(desk, block, line, str(problem)) from None
    unique = list(dict.fromkeys(note for note in notes if note))
    return Outcome(Status.EMULATED, "emulated (no Docker daemon): " + "; ".join(unique))


def check(folder: Path) -> list[str]:
    """The checks that need neither Docker nor a build, on the project in ``folder``:
    its Dockerfile, .dockerignore, compose file and .env.example. Notes saying what was
    checked; Problem naming the cause of the first failure."""
    dockerfile = folder / "Dockerfile"
    notes = check_image(read_dockerfile(dockerfile), Context.read(folder, dockerfile))
    compose = find_compose(folder, [])
    validate(compose)
    valid = f"{compose.name} valid against the Compose Specification"
    return [*notes, valid, check_example(compose)]


def _lines(block: Block) -> list[_Line]:
    """The block's commands; every docker line parsed first, so a line that cannot be
    emulated fails the block before anything runs."""
    return [_parse(block, index, text) for index, text in commands(block)]


def _parse(block: Block, index: int, text: str) -> _Line:
    words = text.split()
    if words[:1] != ["docker"]:
        return _Line(index, text)
    try:
        return _Line(index, text, _NO_DAEMON, parse_call(text))
    except ValueError as error:
        where = block.where(index)
        raise Failure(
            f"{where}: this docker command cannot be emulated (no Docker daemon here): "
            f"{error}\n{excerpt(block, index)}"
        ) from None
