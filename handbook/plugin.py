"""The pytest plugin: every ``docs/*.md`` is a test file, every code block a test item.

Blocks of a chapter run in order in one terminal (a :class:`ChapterRun`, set up with the
chapter and torn down after its last block). When a block fails, the rest of its
chapter is reported as not run: a reader would stop there too.
"""

from __future__ import annotations

import platform
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from handbook import interrupt, reaper
from handbook.block import Block
from handbook.chapter import Chapter, load_chapter
from handbook.config import snippet_config
from handbook.database import Server, reader_role, start_server
from handbook.directive import DATABASES
from handbook.errors import ChapterError
from handbook.failure import Failure
from handbook.machine import Machine
from handbook.needs import required
from handbook.project import published, read_project
from handbook.reaper import Leftover
from handbook.report import merge_report, report_path, run_entry, run_key, variant
from handbook.run import ChapterRun, Options
from handbook.status import Status

_SERVER = pytest.StashKey[ExitStack]()
_SERVER_VALUE = pytest.StashKey[Server]()
_PROJECT = pytest.StashKey[Path | None]()
_MACHINE = pytest.StashKey[Machine]()
_NOT_PROVED = pytest.StashKey[list[str]]()
_REWRITTEN = pytest.StashKey[list[str]]()
_WAITS = pytest.StashKey[list[str]]()
_KEPT = pytest.StashKey[list[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("handbook", "the executable handbook")
    group.addoption("--update", action="store_true", help="rewrite output blocks from what ran")
    group.addoption(
        "--reader-python",
        metavar="X.Y",
        help="Python version of the reader's terminal (default: the engine's own)",
    )
    group.addoption(
        "--database",
        choices=DATABASES,
        help="run chapters that use a database on this one (default: the chapter's own)",
    )
    group.addoption(
        "--keep-workspace", action="store_true", help="keep each chapter's temporary folder"
    )
    group.addoption(
        "--require-all",
        action="store_true",
        help="fail a block whose needs this machine lacks (as under CI), instead of "
        "leaving the rest of its page not proved here",
    )
    group.addoption(
        "--journey",
        action="store_true",
        help="run the pages, in the order given, as one reader on one machine (nox -s journey)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SERVER] = ExitStack()
    if not hasattr(config, "workerinput"):  # once, before xdist's workers start
        for line in reaper.sweep():
            config.issue_config_time_warning(
                Leftover(f"removed what a killed run left: {line}"), stacklevel=2
            )
    interrupt.install()  # every chapter is torn down, within a deadline


def pytest_unconfigure(config: pytest.Config) -> None:
    config.stash[_SERVER].close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A journey ends by checking that the reader's machine is as it was."""
    machine = session.config.stash.get(_MACHINE, None)
    if machine is None:
        return
    changes = machine.changes()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if changes:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        lines = "\n".join(f"  {change}" for change in changes)
        message = f"journey: the reader's machine is not as it was before the first page:\n{lines}"
    else:
        message = "journey: the reader's machine is as it was before the first page"
    if reporter is not None:
        reporter.write_line(message, red=bool(changes), green=not changes)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Blocks not proved here are told at the block that needs what is missing, so
    pytest's summary folds them into one line instead of one per block."""
    report = yield
    where = getattr(item, "not_proved_at", None)
    if where and report.skipped and isinstance(report.longrepr, tuple):
        path, _, line = where.rpartition(":")
        report.longrepr = (path, int(line), report.longrepr[2])  # 1-based, as pytest keeps it
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """What --update rewrote; the ports chapters waited for; what this machine could not
    prove, once per page, with what to install; the folders --keep-workspace kept."""
    rewritten = terminalreporter.config.stash.get(_REWRITTEN, [])
    if rewritten:
        terminalreporter.section("rewritten from what ran (--update)", sep="-", yellow=True)
        for line in rewritten:
            terminalreporter.write_line(line, yellow=True)
    waits = terminalreporter.config.stash.get(_WAITS, [])
    if waits:
        terminalreporter.section("waited for a port another chapter held", sep="-", yellow=True)
        for line in waits:
            terminalreporter.write_line(line, yellow=True)
        terminalreporter.write_line(
            "give each chapter ports of its own (docs/contributing.md, Ports)", yellow=True
        )
    lines = terminalreporter.config.stash.get(_NOT_PROVED, [])
    if lines:
        terminalreporter.section("not proved on this machine", sep="-", yellow=True)
        for line in lines:
            terminalreporter.write_line(line, yellow=True)
    kept = terminalreporter.config.stash.get(_KEPT, [])
    if kept:
        terminalreporter.section("kept (--keep-workspace): remove them when done", sep="-")
        for line in kept:
            terminalreporter.write_line(line)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    docs = parent.config.rootpath / "docs"
    if file_path.suffix == ".md" and file_path.parent == docs:
        return ChapterFile.from_parent(parent, path=file_path)
    return None


class ChapterFile(pytest.File):
    """A chapter as a pytest collector; owns its run between setup and teardown."""

    chapter: Chapter
    run: ChapterRun | None = None

    def collect(self) -> Iterator[pytest.Item]:
        root = self.config.rootpath
        try:
            self.chapter = load_chapter(self.path.relative_to(root), root, snippet_config(root))
        except ChapterError as error:
            raise self.CollectError(str(error)) from None
        for block in self.chapter.blocks:
            yield BlockItem.from_parent(self, name=f"{block.line}-{block.end_line}", block=block)

    def setup(self) -> None:
        try:
            self.run = ChapterRun(self.chapter, _options(self.config), self._server())
        except LookupError as error:
            pytest.fail(f"{self.chapter.path}: cannot set up the chapter: {error}", pytrace=False)

    def teardown(self) -> None:
        if self.run is None:
            return
        run, self.run = self.run, None
        problem: str | None = None
        try:
            run.close()
        except Failure as error:  # cleanup, or the reader's machine: a report, no traceback
            problem = str(error)
        finally:
            self.config.stash.setdefault(_REWRITTEN, []).extend(run.rewritten)
            self.config.stash.setdefault(_WAITS, []).extend(run.services.waits)
            if self.config.getoption("keep_workspace"):
                kept = f"{self.chapter.path}: {run.workspace.root}"
                self.config.stash.setdefault(_KEPT, []).append(kept)
            variant = _variant(self.config, self.chapter)
            key = run_key(self.chapter.slug, variant)
            entry = run_entry(run, variant)
            merge_report(report_path(self.config.rootpath), {key: entry})
            if run.unavailable is not None:
                count = entry["counts"][Status.NOT_PROVED]
                self.config.stash.setdefault(_NOT_PROVED, []).append(
                    f"{key}: {count} blocks {run.unavailable}"
                )
        if problem is not None:
            pytest.fail(problem, pytrace=False)

    def _server(self) -> Server | None:
        wanted = self.config.getoption("database") or self.chapter.settings.database
        if not self.chapter.settings.database or wanted != "postgresql":
            return None
        return _started_server(self.config)


def _started_server(config: pytest.Config) -> Server:
    """The PostgreSQL server of this run, started on first use."""
    if _SERVER_VALUE not in config.stash:
        stack = config.stash[_SERVER]
        server = stack.enter_context(start_server())
        config.stash[_SERVER_VALUE] = stack.enter_context(reader_role(server))
    return config.stash[_SERVER_VALUE]


def _machine(config: pytest.Config) -> Machine | None:
    """A journey's one reader's machine, laid out before its first page."""
    if not config.getoption("journey"):
        return None
    if _MACHINE not in config.stash:
        machine = Machine(_started_server(config))
        config.stash[_SERVER].callback(machine.remove)
        config.stash[_MACHINE] = machine
    return config.stash[_MACHINE]


class BlockItem(pytest.Item):
    """One code block, run in its chapter's terminal."""

    def __init__(self, *, block: Block, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.not_proved_at: str | None = None
        """Where its chapter stopped being proved, when this block was not proved here."""

    def runtest(self) -> None:
        run = self._run()
        if run.failed_at is not None:
            run.skip(self.block)
            # Reported at the block's line, not at this line of the engine.
            raise pytest.skip.Exception(f"not run: {run.failed_at} failed", _use_item_location=True)
        outcome = run.evaluate(self.block)
        if outcome.status is Status.SHOWN:
            # Not run, so not a pass: pytest reports it as skipped, with the reason.
            raise pytest.skip.Exception(f"shown: {outcome.reason}", _use_item_location=True)
        if outcome.status is Status.NOT_PROVED:
            self.not_proved_at = run.unavailable_at
            raise pytest.skip.Exception(str(outcome.reason), _use_item_location=True)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, Failure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f"{self.block} [{self.block.kind.value}]"

    def _run(self) -> ChapterRun:
        parent = self.parent
        assert isinstance(parent, ChapterFile)
        assert parent.run is not None
        return parent.run


def _published(config: pytest.Config) -> Path | None:
    """The git config that sends the project's published URL to its stand-in (made once)."""
    if _PROJECT not in config.stash:
        project = read_project(config.rootpath)
        stack = config.stash[_SERVER]
        config.stash[_PROJECT] = (
            stack.enter_context(published(config.rootpath, project)) if project else None
        )
    return config.stash[_PROJECT]


def _options(config: pytest.Config) -> Options:
    return Options(
        machine=_machine(config),
        git_config=_published(config),
        root=config.rootpath,
        reader_python=config.getoption("reader_python") or _engine_python(),
        database=config.getoption("database"),
        update=bool(config.getoption("update")),
        keep_workspace=bool(config.getoption("keep_workspace")),
        require_all=required(bool(config.getoption("require_all"))),
    )


def _variant(config: pytest.Config, chapter: Chapter) -> str | None:
    """What this run varied from the chapter's defaults, e.g. ``python=3.10``."""
    database = config.getoption("database")
    varied = (
        database if chapter.settings.database and database != chapter.settings.database else None
    )
    return variant(python=config.getoption("reader_python"), database=varied)


def _engine_python() -> str:
    major, minor, _ = platform.python_version_tuple()
    return f"{major}.{minor}"
