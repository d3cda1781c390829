"""What each kind of block does when its turn comes: one evaluator per kind.

An evaluator is given the block and a :class:`~handbook.desk.Desk` (the terminal, the
services, the workspace), never the run; it returns an :class:`Outcome` or raises
:class:`Failure` with the full message. A new kind of block is a new evaluator here,
not a branch in the runner.
"""

from __future__ import annotations

import codeop
import os

from pytest_examples.config import ExamplesConfig
from pytest_examples.find_examples import CodeExample
from pytest_examples.lint import FormatError, black_check, ruff_check

from handbook import emulators, output
from handbook.block import Block
from handbook.desk import Desk, Evaluator
from handbook.directive import Kind
from handbook.failure import Failure, report
from handbook.service import DEFAULT_READY, NotReady, Probe
from handbook.status import Outcome, Status

__all__ = ["EVALUATORS"]

# Python blocks follow the same rules as the project's code (see the quality chapter).
_LINT = ExamplesConfig(line_length=88, quotes="double", isort=True, ruff_select=["E", "F", "I"])


def run_block(desk: Desk, block: Block) -> Outcome:
    """Type the block into the terminal; it must succeed (or fail, if marked so)."""
    name = block.directive.options.get("emulate")
    if name is not None:
        emulator = emulators.load(name)
        if not emulator.available():
            return emulator.emulate(desk, block)
    if block.is_python:
        _lint(block)
    timeout = desk.timeout(block)
    suffix = ".py" if block.is_python else ".sh"
    result = desk.terminal.run(block.code, timeout, suffix)
    desk.last_output = result.output
    if result.timed_out:
        raise Failure(
            _report(desk, block, f"timed out after {timeout:g}s (set timeout=N)", result.output)
        )
    expected = _expected_status(block)
    if expected is None and result.status == 0:
        return Outcome(Status.PASSED)
    if expected is not None and result.status != 0 and expected in ("any", str(result.status)):
        return Outcome(Status.PASSED)
    if expected is None and result.unset is not None:
        problem = _unset_problem(result.unset)
        marked = result.failed_line - 1 if result.failed_line else None
    elif expected is None:
        problem = f"command failed with exit status {result.status}"
        if result.read_input:
            problem += _NO_INPUT
        marked = result.failed_line - 1 if result.failed_line else None
    elif result.status == 0:
        problem = "was expected to fail, but succeeded (exit status 0)"
        marked = None
    else:
        problem = f"was expected to exit with status {expected}, but exited {result.status}"
        marked = None
    raise Failure(_report(desk, block, problem, result.output, marked))


_NO_INPUT = (
    "; it read its standard input, and a page's terminal has none (as if the reader "
    "pressed Ctrl-D at once). Give the input on the page: a here-document (<<'EOF'), "
    "`yes |` or `printf 'answer\\n' |`, or the command's option for no questions "
    "(--noinput, --yes)"
)


def _unset_problem(name: str) -> str:
    return (
        f"${name} is read, but no step before it set it: a reader's terminal would quietly "
        f"give an empty value. Set it by a visible step first (export {name}=...), or write "
        f"${{{name}-}} where empty is meant"
    )


def start_background(desk: Desk, block: Block) -> Outcome:
    """Start a long-running command and wait until its probe says it is ready."""
    options = block.directive.options
    probe = Probe(
        url=options.get("probe"),
        status=int(options["status"]) if "status" in options else None,
        port=int(options["port"]) if "port" in options else None,
        log=options.get("log"),
    )
    name = options.get("name") or (block.code.split() or ["service"])[0]
    deadline = float(options.get("ready", DEFAULT_READY))
    try:
        desk.services.start(name, block.where(), block.code, probe, deadline)
    except NotReady as error:
        raise Failure(_report(desk, block, str(error), "")) from None
    return Outcome(Status.PASSED)


def check_output(desk: Desk, block: Block) -> Outcome:
    """Compare the previous run block's output with this block."""
    actual = desk.last_output or ""
    if output.matches(block.code, actual):
        return Outcome(Status.PASSED)
    if desk.updating:
        desk.rewrite(block, block.as_written(output.updated(block.code, actual)))
        return Outcome(Status.PASSED, "updated from the run (--update)")
    difference = output.diff(block.code, actual, block.where())
    first = block.where(output.first_difference(block.code, actual))
    raise Failure(
        f"{first}: the output differs from the page here (block at {block.where()}; run "
        f"with --update to accept what ran)\n{difference}"
    )


def handle_file(desk: Desk, block: Block) -> Outcome:
    """Write the block to its path in the workspace, or check the file there."""
    relative = block.directive.options["path"]
    target = (desk.cwd() / relative).resolve()
    if not target.is_relative_to(desk.workspace.root):
        raise Failure(f"{block.where()}: path={relative} leaves the workspace")
    if block.directive.flag("check"):
        if not target.is_file():
            raise Failure(f"{block.where()}: {relative} does not exist in the workspace")
        actual = target.read_text()
        if actual != block.code:
            diff = output.diff(block.code, actual, block.where())
            if not diff:  # the same lines: only blank lines at the end differ
                diff = f"(page ends {block.code[-2:]!r}, file ends {actual[-2:]!r})"
            raise Failure(f"{block.where()}: {relative} differs from the page\n{diff}")
        return Outcome(Status.PASSED)
    if not target.parent.is_dir():
        folder = os.path.relpath(target.parent, desk.cwd())
        raise Failure(
            f"{block.where()}: the folder {folder} does not exist, so a reader cannot save "
            f"{relative} there: make it by a visible step first (mkdir -p {folder})"
        )
    target.write_text(block.code)
    return Outcome(Status.PASSED)


def stop_service(desk: Desk, block: Block) -> Outcome:
    """Ctrl+C where the service runs: it must end, as it does for the reader."""
    name = block.directive.options["name"]
    try:
        desk.services.interrupt(name)
    except NotReady as error:
        raise Failure(_report(desk, block, str(error), "")) from None
    return Outcome(Status.PASSED)


def show(desk: Desk, block: Block) -> Outcome:
    return Outcome(Status.SHOWN, block.directive.options["reason"])


EVALUATORS: dict[Kind, Evaluator] = {
    Kind.RUN: run_block,
    Kind.BACKGROUND: start_background,
    Kind.OUTPUT: check_output,
    Kind.FILE: handle_file,
    Kind.SHOWN: show,
    Kind.STOP: stop_service,
}


def _expected_status(block: Block) -> str | None:
    options = block.directive.options
    if "exit" in options:
        return options["exit"]
    return "any" if block.directive.flag("fails") else None


def _lint(block: Block) -> None:
    example = CodeExample.create(
        block.code, path=block.chapter, start_line=block.line, prefix=block.language
    )
    try:
        black_check(example, _LINT)
        # pytest-examples maps "-:LINE" to the page's line; ruff prints that when concise.
        ruff_check(example, _LINT, extra_ruff_args=("--output-format=concise",))
    except FormatError as error:
        raise Failure(f"{block.where()}: the Python block is not clean\n{error}") from None
    _check_pasteable(block)


def _check_pasteable(block: Block) -> None:
    """A reader types a Python block at Python's prompt, so it must paste there: the
    classic prompt (3.10 to 3.12) ends an indented block only at an empty line."""
    pending: list[str] = []
    for index, line in enumerate([*block.code.splitlines(), ""]):
        pending.append(line)
        try:
            done = codeop.compile_command("\n".join(pending), "<stdin>", "single")
        except SyntaxError:
            raise Failure(
                f"{block.where(index)}: pasted at Python's prompt, this line is a syntax "
                "error: put an empty line before it, to end the indented block above"
            ) from None
        if done is not None:
            pending = []


def _report(desk: Desk, block: Block, problem: str, text: str, marked: int | None = None) -> str:
    return report(block, problem, marked, text, desk.services.logs())
