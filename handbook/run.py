"""A chapter run: the page's one terminal and everything it owns, set up and torn down.

Everything a chapter's blocks share (workspace, terminal, services, database, the last
output) lives here, in one object per page; nothing is global. ``close`` stops services,
drops the database and removes the workspace on success, failure, timeout and Ctrl-C.
"""

from __future__ import annotations

import os
import platform
import shlex
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from handbook import interrupt
from handbook.block import Block
from handbook.chapter import Chapter
from handbook.daemon import docker_version
from handbook.database import Server, chapter_database, reader_server
from handbook.directive import Kind
from handbook.errors import Lacking
from handbook.evaluators import EVALUATORS
from handbook.failure import Failure, tail
from handbook.machine import Machine
from handbook.mariadb import client_settings, mariadb_url, server_version, unavailable_reason
from handbook.mariadb import reader_server as mariadb_server
from handbook.needs import Need, missing
from handbook.reader import home_changes, prepare_home, snapshot
from handbook.service import Services
from handbook.status import Outcome, Status
from handbook.terminal import Terminal
from handbook.workspace import Workspace

__all__ = ["BlockRecord", "ChapterRun", "Options"]

CLEANUP_TIMEOUT = 120


@dataclass(frozen=True)
class Options:
    """How this verification was asked to run (pytest options)."""

    root: Path
    """The repository root."""
    reader_python: str
    """The Python version the reader's terminal has (``python`` and ``python3``)."""
    database: str | None = None
    """Run chapters that use a database on this one: postgresql, sqlite or mariadb."""
    update: bool = False
    """Rewrite output blocks from what actually ran."""
    keep_workspace: bool = False
    machine: Machine | None = None
    """The reader's machine shared by the pages of a journey (``--journey``)."""
    git_config: Path | None = None
    """The system git config of the reader's terminal: it sends the project's published
    URL to the engine's stand-in (handbook/project.py)."""
    require_all: bool = False
    """Fail a block whose needs this machine lacks, instead of leaving it not proved here
    (``--require-all``, or the ``CI`` variable)."""


@dataclass(frozen=True)
class BlockRecord:
    """One block's entry in the report."""

    block: Block
    status: Status
    duration: float
    reason: str | None = None


class ChapterRun:
    """One page, one terminal."""

    def __init__(self, chapter: Chapter, options: Options, server: Server | None) -> None:
        self.chapter = chapter
        self.options = options
        self.records: list[BlockRecord] = []
        self.last_output: str | None = None
        self.failed_at: str | None = None
        self.started = time.time()
        self.facts: dict[str, object] = {}
        self._updates: list[tuple[Block, str]] = []
        self.rewritten: list[str] = []
        """The lines ``--update`` rewrote (``docs/x.md:129-135``), once the run is closed."""
        self._stack = ExitStack()
        # The database this run uses: the chapter's own, or the one asked for.
        self.database = (
            (options.database or chapter.settings.database) if chapter.settings.database else None
        )
        self.unavailable: str | None = None
        self.unavailable_at = f"{chapter.path}:1"
        """Where the run stopped being proved: the block whose needs are missing."""
        """Why the rest of this run is not proved here: a server that does not answer, or
        a part of the machine a block needs and this machine lacks."""
        self._unchecked: str | None = None
        """Why the next output block cannot be checked (its command did not really run)."""
        self.cleanup_error: str | None = None
        """How the chapter's cleanup failed, if it did."""
        self.machine_error: str | None = None
        """How the page left the reader's machine changed without saying so, if it did."""
        self._left: list[str] = []
        """What the page left on the reader's database server (known once it is closed)."""
        self._home: dict[str, str] = {}
        self._server: Server | None = None
        self._stand_in: str | None = None
        try:
            self._open(server)
        except BaseException:
            self._stack.close()
            raise

    def _open(self, server: Server | None) -> None:
        settings = self.chapter.settings
        machine = self.options.machine
        self.workspace = Workspace(
            self.chapter.slug, machine.home if machine else None, machine.root if machine else None
        )
        self._stack.callback(
            self.workspace.keep if self.options.keep_workspace else self.workspace.remove
        )
        self.facts["reader_python"] = self.workspace.use_python(self.options.reader_python)
        for version in self.chapter.second_pythons():
            self.workspace.add_python(version)
        postgresql: dict[str, str] = {}
        mariadb: dict[str, str] | None = None
        tools: list[str] = []
        if self.database == "postgresql":
            if server is None:
                raise LookupError("this chapter needs PostgreSQL, and no server was started")
            self._left = self._stack.enter_context(reader_server(server))
            self._server = server
            postgresql = server.client_environment()
            if server.client_bin:
                # pg_dump must be at least the server's version: the server's own tools.
                tools.append(server.client_bin)
            self.facts.update(database_provider=server.provider, postgresql=server.version())
        elif self.database == "mariadb":
            url = mariadb_url()
            self.unavailable = unavailable_reason(url)
            if self.unavailable is None:
                self._left = self._stack.enter_context(mariadb_server(url))
                mariadb = client_settings(url)
                self.facts.update(database_provider="MARIADB_URL", mariadb=server_version(url))
        elif self.database == "sqlite":
            self.facts.update(database_provider="sqlite")
        if machine is None:  # a journey's HOME is laid out once, for every page
            prepare_home(self.workspace.home, postgresql, mariadb)
        self._home = snapshot(self.workspace.home)
        network = {"GIT_CONFIG_SYSTEM": str(self.options.git_config)}
        self.terminal = Terminal(self.workspace, network if self.options.git_config else {}, tools)
        self.services = Services(self.terminal)
        self._stack.callback(self.services.stop_all)
        if settings.cleanup:
            self._stack.callback(self._clean_up, settings.cleanup)  # first, as the stack unwinds

    def stand_in_database(self) -> str | None:
        """The URL of a database on the reader's server that stands in for a container's
        (Docker emulated), or None without a server. Made on first use and dropped before
        the page's leftovers are counted: it is the engine's, not the page's."""
        if self._server is not None and self._stand_in is None:
            made = chapter_database(self._server, self.chapter.slug)
            self._stand_in = self._stack.enter_context(made).url
        return self._stand_in

    def cwd(self) -> Path:
        return self.terminal.cwd()

    def timeout(self, block: Block) -> float:
        """Seconds the block may take: its directive's ``timeout=``, or the chapter's."""
        return float(block.directive.options.get("timeout", self.chapter.settings.timeout))

    def evaluate(self, block: Block) -> Outcome:
        """Run one block; a failure is recorded and re-raised with its report."""
        interrupt.check()  # a Ctrl-C that Python dropped still stops the page here
        started = time.monotonic()
        reason = self._not_here(block)
        if reason is not None:
            self.records.append(BlockRecord(block, Status.SHOWN, 0.0, reason))
            return Outcome(Status.SHOWN, reason)
        try:
            self._check_needs(block)
            if self.unavailable is not None:
                self.records.append(BlockRecord(block, Status.NOT_PROVED, 0.0, self.unavailable))
                return Outcome(Status.NOT_PROVED, self.unavailable)
            try:
                outcome = EVALUATORS[block.kind](self, block)
            except Lacking as lacking:  # what the block's emulation needs
                self._lack(block, [lacking.need], f" ({lacking.who})")
                self.records.append(BlockRecord(block, Status.NOT_PROVED, 0.0, self.unavailable))
                return Outcome(Status.NOT_PROVED, self.unavailable)
        except Failure as failure:
            self.failed_at = block.where()
            said = str(failure).splitlines()[0]  # names the page line that failed, and how
            self.records.append(BlockRecord(block, Status.FAILED, time.monotonic() - started, said))
            raise
        if block.kind is Kind.RUN:
            emulated = outcome.status is Status.EMULATED
            self._unchecked = "its command was emulated" if emulated else None
        duration = time.monotonic() - started
        self.records.append(BlockRecord(block, outcome.status, duration, outcome.reason))
        return outcome

    def _check_needs(self, block: Block) -> None:
        """From the first block whose needs this machine lacks, the run is not proved here;
        under CI or ``--require-all`` that block fails instead."""
        if self.unavailable is not None or "needs" not in block.directive.options:
            return
        lacking = missing(block.directive.options["needs"], self.terminal.env["PATH"])
        if lacking:
            self._lack(block, lacking)

    def _lack(self, block: Block, lacking: list[Need], who: str = "") -> None:
        """The block needs what this machine lacks (``who``: its emulation, say): the
        rest of the run is not proved here; under CI or ``--require-all``, it fails."""
        what = "; ".join(need.explain() for need in lacking)
        if self.options.require_all:
            raise Failure(
                f"{block.where()}: the block{who} needs {what}, and this machine lacks it\n"
                "(CI and --require-all prove every block: install it, or run without them "
                "to leave the rest of the page not proved here)"
            )
        self.unavailable = f"not proved here: the block at {block.where()}{who} needs {what}"
        self.unavailable_at = block.where()

    def _not_here(self, block: Block) -> str | None:
        """Why the block does not apply to this run, if it does not."""
        if block.kind is Kind.OUTPUT:
            return self._unchecked
        wanted = block.directive.options.get("database")
        if wanted is None or self.database in wanted.split(","):
            return None
        if block.kind is Kind.RUN:
            self._unchecked = "its command is for another database"
        return f"for {wanted} only; this run uses {self.database}"

    def skip(self, block: Block) -> None:
        self.records.append(BlockRecord(block, Status.NOT_RUN, 0.0, f"{self.failed_at} failed"))

    @property
    def updating(self) -> bool:
        return self.options.update

    def rewrite(self, block: Block, text: str) -> None:
        self._updates.append((block, text))

    def close(self) -> None:
        """Learn the terminal's versions, stop everything, write pending updates.

        Raises :class:`Failure` after all of that when the chapter's cleanup failed, or
        when a page that passed left the reader's machine changed where it did not say.
        """
        changed: list[str] = []
        try:
            self.facts.update(self._versions())
            changed = [
                f"{service.name}, started at {service.where}: still running (tell the reader "
                f"to press Ctrl+C where it runs, then <!-- handbook: stop name={service.name} -->)"
                for service in self.services.running
            ]
            changed += home_changes(
                self._home, snapshot(self.workspace.home), self.chapter.settings.changes
            )
        finally:
            self._stack.close()
        self.rewritten = _apply_updates(self.options.root, self._updates)
        if self.cleanup_error is not None:
            raise Failure(self.cleanup_error)
        declared = set(self.chapter.settings.changes)
        changed += [thing for thing in self._left if thing not in declared]
        # Only a page that ran to its end is judged: one that failed, was interrupted, was
        # run in part or not proved to its end has its own report, and everything was
        # stopped anyway.
        ended = (
            self.failed_at is None
            and self.unavailable is None
            and len(self.records) == len(self.chapter.blocks)
        )
        if changed and ended:
            self.machine_error = _changed_message(self.chapter.path, changed)
            raise Failure(self.machine_error)

    def _clean_up(self, code: str) -> None:
        start = shlex.quote(str(self.workspace.work))
        result = self.terminal.run(f"cd -- {start}\n{code}\n", timeout=CLEANUP_TIMEOUT)
        if result.status != 0:
            how = "timed out" if result.timed_out else f"failed with exit status {result.status}"
            self.cleanup_error = (
                f"{self.chapter.path}:1: the chapter's cleanup {how} (handbook.cleanup in "
                f"its front matter; it must be safe to run at any point)\n--- output ---\n"
                f"{tail(result.output)}"
            )

    def environment(self) -> dict[str, object]:
        documented = ("python", "reader_python", "django", "postgresql", "mariadb")
        return {
            **dict.fromkeys(documented),
            "database_provider": None,
            "engine_python": platform.python_version(),
            "docker": docker_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            **self.facts,
        }

    def _versions(self) -> dict[str, object]:
        """The versions the reader's terminal ended with (its venv, if one is active)."""
        probe = (
            "python3 -c 'import platform; print(platform.python_version())'\n"
            "python3 -c 'import django; print(django.get_version())' 2>/dev/null || echo -\n"
        )
        result = self.terminal.run(probe, timeout=30)
        lines = ([*result.output.split(), "-", "-"])[:2]
        return {
            "python": lines[0] if result.status == 0 else None,
            "django": None if lines[1] == "-" else lines[1],
        }


def _changed_message(chapter: Path, changed: list[str]) -> str:
    lines = "\n".join(f"  {thing}" for thing in changed)
    return (
        f"{chapter}:1: the page changed the reader's machine and does not say so:\n{lines}\n"
        "A page leaves the reader's HOME, git identity and database server as it found "
        "them, and stops the servers it started. Undo the change by a visible step "
        "(dropdb, rm, Ctrl+C), or, when the reader wants it and the page tells them, list "
        "it under handbook.changes in the front matter (~/path for HOME, `database NAME` "
        "or `role NAME` for the server)."
    )


def _apply_updates(root: Path, updates: list[tuple[Block, str]]) -> list[str]:
    """Replace output blocks in the chapter files, bottom-up so line numbers hold; the
    lines each now holds, top-down (``docs/x.md:129-135``)."""
    rewritten: list[tuple[Block, int]] = []
    for block, text in sorted(updates, key=lambda u: u[0].line, reverse=True):
        path = root / block.chapter
        lines = path.read_text().split("\n")
        fence = lines[block.line - 1]
        indent = fence[: len(fence) - len(fence.lstrip())]
        body = [indent + line if line else line for line in text.rstrip("\n").split("\n")]
        lines[block.line : block.end_line - 1] = body
        temporary = path.with_suffix(".md.tmp")
        temporary.write_text("\n".join(lines))
        os.replace(temporary, path)
        rewritten.append((block, len(body)))
    ranges, shift = [], 0
    for block, length in reversed(rewritten):
        start = block.line + 1 + shift
        ranges.append(f"{block.chapter}:{start}-{start + length - 1}")
        shift += length - (block.end_line - block.line - 1)
    return ranges
