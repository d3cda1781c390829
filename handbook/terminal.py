"""The reader's terminal: bash, with state carried from one block to the next.

Each block runs in a new ``bash`` (its own process group, so a timeout kills all of it),
which first restores what the previous block left behind: the working directory,
variables (exported or not), functions such as an activated virtualenv's ``deactivate``,
and aliases. Before the first block, it reads the reader's ``~/.bashrc``, as a new
terminal does. The block runs with ``set -Eeuo pipefail``: the first failing command fails
the block, and an ERR trap records that command's line. ``-u`` makes a variable that no
step set an error: a reader's terminal would quietly read it as empty, and the page
would go on with a value it never showed (an empty ``DATABASE_URL`` in ``.env`` is SQLite).
"""

from __future__ import annotations

import os
import re
import select
import shlex
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sh

from handbook import groups
from handbook.workspace import Workspace, terminal_environment

__all__ = ["Result", "Terminal"]

_SCRIPT = r"""# The handbook's terminal: one block, with the state the previous block left.
__hb_block=$1 __hb_state=$2 __hb_failed=$3
shopt -s expand_aliases
if [[ -s $__hb_state ]]; then
  while read -r __hb_name; do unset "$__hb_name" 2>/dev/null; done < <(compgen -e)
  source "$__hb_state"
elif [[ -f $HOME/.bashrc ]]; then
  source "$HOME/.bashrc"  # a new terminal reads the reader's profile
fi
__hb_save() {
  __hb_status=$?
  # The block's last command was a pipeline forgiven its SIGPIPE (below): it succeeded.
  if ((__hb_status == 141 && ${__hb_forgiven:-0})); then __hb_status=0; fi
  {
    for __hb_name in $(compgen -v); do
      case $__hb_name in
        BASH*|COMP_*|DIRSTACK|EPOCH*|EUID|FUNCNAME|GROUPS|HIST*|HOSTNAME|HOSTTYPE|IFS|\
        LINENO|MACHTYPE|OLDPWD|OPT*|OSTYPE|PIPESTATUS|PPID|PS4|PWD|RANDOM|SECONDS|\
        SHELLOPTS|SHLVL|SRANDOM|UID|_|__hb_*) continue ;;
      esac
      declare -p "$__hb_name" 2>/dev/null
    done
    for __hb_name in $(compgen -A function); do
      [[ $__hb_name == __hb_* ]] || declare -f "$__hb_name"
    done
    alias -p
    printf 'cd -- %q\n' "$PWD"
  } > "$__hb_state.next" 2>/dev/null
  exit "$__hb_status"
}
trap __hb_save EXIT
# The failing line, in the block's own numbering: the innermost call frame in the block
# file (the error may be inside a sourced script or a function from an earlier block).
# Inline, not a function: bash garbles its variable scopes when a function is called
# from an ERR trap while errexit unwinds another function. LINENO is read first: it
# counts on through the lines of the trap's own text.
#
# The trap is errexit (`set -e`) itself, with one exception a reader never notices: a
# pipeline whose only failures are SIGPIPE (141) upstream of a last command that
# succeeded (`yes | head -n 3`): the reader's shell has no pipefail, and the upstream
# command was merely told to stop. A real failure anywhere in a pipeline still fails.
trap '__hb_codes=("$?" "${PIPESTATUS[@]}") __hb_line=$LINENO
  if ((${#__hb_codes[@]} > 2 && __hb_codes[-1] == 0)) &&
    [[ " ${__hb_codes[*]:1} " =~ ^(" "(0|141))+" "$ ]]; then __hb_forgiven=1
  elif ((__hb_codes[0] == 141 && ${__hb_forgiven:-0})) &&
    [[ ${BASH_SOURCE[0]} != "$__hb_block" ]]; then :  # the block ended with that pipeline
  else
  __hb_forgiven=0
  [[ -s $__hb_failed ]] || {
  for ((__hb_i = 0; __hb_i < ${#BASH_SOURCE[@]}; __hb_i++)); do
    [[ ${BASH_SOURCE[$__hb_i]} == "$__hb_block" ]] && break
    __hb_line=${BASH_LINENO[$__hb_i]}
  done
  printf "%s\\n" "$__hb_line" > "$__hb_failed"
  }
  exit "${__hb_codes[0]}"; fi' ERR
set -Euo pipefail
source "$__hb_block"
"""
# A Python block runs as if typed into `python` in the terminal's directory: that
# directory is on sys.path, and tracebacks name the block file (for the failing line).
_PYTHON = (
    "python3 -c 'import runpy, sys; sys.argv = sys.argv[1:]; "
    'runpy.run_path(sys.argv[0], run_name="__main__")\' {block}\n'
)


@dataclass(frozen=True)
class Result:
    """What happened when a block ran."""

    status: int
    """Exit status (-1 after a timeout)."""
    output: str
    """stdout and stderr, interleaved as a terminal shows them."""
    failed_line: int | None
    """1-based line of the block's script where the failing command was, if known."""
    timed_out: bool = False
    duration: float = 0.0
    unset: str | None = None
    """The variable the block read although no step had set it (bash's "unbound variable")."""
    read_input: bool = False
    """True when the block read its standard input (which is empty: the page gives none)."""


class Terminal:
    """One chapter's terminal."""

    def __init__(
        self,
        workspace: Workspace,
        extra_env: dict[str, str] | None = None,
        tools: list[str] | None = None,
    ) -> None:
        """``extra_env`` is added to the environment; ``tools`` folders go first on PATH."""
        self.workspace = workspace
        self.env = {**terminal_environment(workspace), **(extra_env or {})}
        if "GIT_CONFIG_SYSTEM" in self.env:
            del self.env["GIT_CONFIG_NOSYSTEM"]  # it would hide the system config given
        self.env["PATH"] = os.pathsep.join([*(tools or []), self.env["PATH"]])
        self._count = 0
        self._script = workspace.control / "terminal.sh"
        self._script.write_text(_SCRIPT)
        self._state = workspace.control / "state.sh"

    def run(self, code: str, timeout: float, suffix: str = ".sh") -> Result:
        """Run ``code`` in the terminal and wait: bash, or Python when ``suffix`` is .py."""
        self._count += 1
        block = self._file(f"block-{self._count}{suffix}", code)
        script = code if suffix == ".sh" else _PYTHON.format(block=shlex.quote(str(block)))
        runner = self._file(f"block-{self._count}.sh", script) if suffix != ".sh" else block
        out = self.workspace.control / f"block-{self._count}.out"
        failed = self.workspace.control / f"block-{self._count}.failed"
        stdin = _empty_input(self.workspace.control / f"block-{self._count}.stdin")
        started = time.monotonic()
        with out.open("wb") as sink, stdin.open("rb") as empty:
            process = self._bash(runner, failed, sink, stdin=empty)
            try:
                timed_out = not _ended(process, timeout)
            finally:
                groups.kill(process.pid)
        status = -1 if timed_out else int(process.wait().exit_code or 0)
        if not timed_out:
            self._advance_state()
        output = out.read_text(errors="replace")
        line = _failed_line(failed, output, block if suffix != ".sh" else None)
        unset = _UNBOUND.search(output) if suffix == ".sh" else None
        if unset is not None and unset["file"] == str(block):
            line = int(unset["line"])
        name = unset["name"] if unset is not None else None
        duration = time.monotonic() - started
        return Result(status, output, line, timed_out, duration, name, _was_read(stdin))

    def cwd(self) -> Path:
        """The directory the terminal is in now."""
        if self._state.exists():
            for line in reversed(self._state.read_text().splitlines()):
                if line.startswith("cd -- "):
                    return Path(shlex.split(line)[2])
        return self.workspace.work

    def start(self, code: str, log: Path) -> sh.RunningCommand:
        """Start ``code`` in the background with the terminal's state; output to ``log``."""
        self._count += 1
        block = self._file(f"background-{self._count}.sh", code)
        sink = log.open("wb")
        # The state file is copied so the service never overwrites the terminal's.
        snapshot = self.workspace.control / f"background-{self._count}.state"
        snapshot.write_bytes(self._state.read_bytes() if self._state.exists() else b"")
        return self._bash(block, self.workspace.control / "background.failed", sink, snapshot)

    def _bash(
        self,
        block: Path,
        failed: Path,
        sink: IO[bytes],
        state: Path | None = None,
        stdin: IO[bytes] | None = None,
    ) -> sh.RunningCommand:
        state = state or self._state
        return groups.start(
            ["bash", "--noprofile", "--norc", str(self._script), *map(str, (block, state, failed))],
            _env=self.env,
            _cwd=str(self.workspace.work),
            # Standard input at its end, as if the reader pressed Ctrl-D: an empty file,
            # which the block gets as itself (not through a pipe), so a read shows.
            _in=stdin if stdin is not None else "",
            _out=sink,
            _err_to_out=True,
            _preexec_fn=_as_a_new_terminal,
            _bg_exc=False,
            _ok_code=list(range(256)),
        )

    def _advance_state(self) -> None:
        produced = self._state.with_suffix(".sh.next")
        if produced.exists():
            produced.replace(self._state)

    def _file(self, name: str, text: str) -> Path:
        path = self.workspace.control / name
        path.write_text(text)
        return path


_SLICE = 0.1  # seconds: how late Ctrl-C may be noticed while a block runs


def _as_a_new_terminal() -> None:
    """In the block's process before bash starts: Ctrl-C and Ctrl-\\ do what they do in
    a reader's new terminal. A launcher may have ignored them (sh starts a background
    command so), and bash cannot undo that for the commands it starts."""
    for signum in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)


def _ended(process: sh.RunningCommand, timeout: float) -> bool:
    """Wait until the process ends or ``timeout`` passes; True if it ended. On Linux the
    wait wakes as the process exits (a pidfd); sh's own wait polls every 0.1 s, which
    was most of a short block's cost."""
    try:
        pidfd = os.pidfd_open(process.pid)
    except ProcessLookupError:  # ended, and already reaped by sh
        return True
    except (AttributeError, OSError):  # no pidfd here (macOS, old kernels)
        try:
            process.wait(timeout=timeout)
        except sh.TimeoutException:
            return False
        return True
    give_up = time.monotonic() + timeout
    try:
        # In slices: a signal the kernel gives another thread (sh runs several) does not
        # interrupt the wait, and Python raises KeyboardInterrupt only between slices.
        while (left := give_up - time.monotonic()) > 0:
            if select.select([pidfd], [], [], min(left, _SLICE))[0]:
                return True
        return False
    finally:
        os.close(pidfd)


def _empty_input(path: Path) -> Path:
    """An empty file whose access time is before its change time: reading it, even at
    its end, moves the access time (Linux's relatime updates it in exactly that case)."""
    path.write_bytes(b"")
    changed = path.stat().st_mtime_ns
    os.utime(path, ns=(changed - 10**9, changed))
    return path


def _was_read(path: Path) -> bool:
    stat = path.stat()
    return stat.st_atime_ns >= stat.st_mtime_ns


_UNBOUND = re.compile(
    r"^(?P<file>\S+): line (?P<line>\d+): (?P<name>[^:\s]+): unbound variable$", re.M
)


def _failed_line(failed: Path, output: str, python_file: Path | None) -> int | None:
    if python_file is not None:
        lines = re.findall(rf'File "{re.escape(str(python_file))}", line (\d+)', output)
        return int(lines[-1]) if lines else None
    if failed.exists() and failed.read_text().strip().isdigit():
        return int(failed.read_text())
    return None
