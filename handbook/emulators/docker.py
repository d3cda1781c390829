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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.docker import docker_available
from handbook.emulators._agreement import check_example
from handbook.emulators._call import Call, parse_call
from handbook.emulators._commands import HANDLERS, Session
from handbook.emulators._compose import find_compose, validate
from handbook.emulators._context import Context
from handbook.emulators._dockerfile import read_dockerfile
from handbook.emulators._problem import Problem
from handbook.emulators._process import Deadline
from handbook.emulators._static import check_image
from handbook.evaluators import Outcome
from handbook.failure import Failure, excerpt, tail
from handbook.status import Status

if TYPE_CHECKING:
    from handbook.block import Block
    from handbook.run import ChapterRun

__all__ = ["Problem", "available", "check", "emulate"]


@dataclass(frozen=True)
class _Line:
    """A command of the block: docker (emulated) or not (run in the terminal)."""

    index: int
    """Its first line in the block (0-based)."""
    text: str
    call: Call | None


def available() -> bool:
    """True when a Docker daemon answers: docker blocks then run for real."""
    return docker_available()


def emulate(run: ChapterRun, block: Block) -> Outcome:
    """Emulate the block's docker commands and run its other lines; Failure on a problem."""
    lines = _lines(block)
    timeout = float(block.directive.options.get("timeout", run.chapter.settings.timeout))
    session = Session(run, Deadline.after(timeout))
    notes: list[str] = []
    for chunk in _chunks(lines):
        if chunk[0].call is None:
            notes.append(_shell(run, block, chunk, session.deadline))
            continue
        line, call = chunk[0], chunk[0].call
        session.where = block.where(line.index)
        try:
            notes += HANDLERS[call.command](session, call)
        except Problem as problem:
            raise Failure(_report(run, block, line, str(problem))) from None
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
    """The block's commands (continuation lines joined); every docker line parsed first,
    so a line that cannot be emulated fails the block before anything runs."""
    lines: list[_Line] = []
    pending: tuple[int, str] | None = None
    for index, line in enumerate(block.lines):
        start, text = pending if pending else (index, "")
        text += line.text
        if text.endswith("\\"):
            pending = (start, text[:-1] + " ")
            continue
        pending = None
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        lines.append(_parse(block, start, text))
    if pending:
        lines.append(_parse(block, *pending))
    return lines


def _parse(block: Block, index: int, text: str) -> _Line:
    words = text.split()
    if words[:1] != ["docker"]:
        return _Line(index, text, None)
    try:
        return _Line(index, text, parse_call(text))
    except ValueError as error:
        where = block.where(index)
        raise Failure(
            f"{where}: this docker command cannot be emulated (no Docker daemon here): "
            f"{error}\n{excerpt(block, index)}"
        ) from None


def _chunks(lines: list[_Line]) -> list[list[_Line]]:
    """Each docker line alone; consecutive other lines together (one shell snippet)."""
    chunks: list[list[_Line]] = []
    for line in lines:
        if chunks and line.call is None and chunks[-1][0].call is None:
            chunks[-1].append(line)
        else:
            chunks.append([line])
    return chunks


def _shell(run: ChapterRun, block: Block, chunk: list[_Line], deadline: Deadline) -> str:
    code = "".join(line.text + "\n" for line in chunk)
    try:
        result = run.terminal.run(code, deadline.left(block.where(chunk[0].index)))
    except Problem as problem:
        raise Failure(_report(run, block, chunk[0], str(problem))) from None
    if result.timed_out or result.status != 0:
        failed = chunk[min(len(chunk), result.failed_line or 1) - 1]
        how = "timed out" if result.timed_out else f"exit status {result.status}"
        raise Failure(_report(run, block, failed, f"command failed ({how})", result.output))
    more = f" (and {len(chunk) - 1} more lines)" if len(chunk) > 1 else ""
    return f"`{chunk[0].text.strip()}`{more} ran for real"


def _report(run: ChapterRun, block: Block, line: _Line, problem: str, output: str = "") -> str:
    emulated = " (emulated: no Docker daemon)" if line.call is not None else ""
    parts = [f"{block.where(line.index)}: `{line.text.strip()}`{emulated}: {problem}"]
    parts.append(excerpt(block, line.index))
    if output.strip():
        parts += ["--- output ---", tail(output)]
    logs = run.services.logs()
    if logs:
        parts.append(logs)
    return "\n".join(parts)
