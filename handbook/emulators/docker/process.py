"""Running the emulated image's commands: one process group each, with a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sh

from handbook import groups, workspace
from handbook.errors import Problem

__all__ = ["Ran", "execute", "find_python"]


@dataclass(frozen=True)
class Ran:
    status: int
    output: str


def execute(argv: list[str], env: dict[str, str], cwd: Path, timeout: float, what: str) -> Ran:
    """Run ``argv`` (its program already resolved to a file) and wait; output interleaved."""
    process = groups.start(
        argv,
        _env=env,
        _cwd=str(cwd),
        _in="",
        _tty_out=False,  # as under docker compose: no colours, no terminal
        _err_to_out=True,
        _bg_exc=False,
        _ok_code=list(range(256)),
    )
    try:
        process.wait(timeout=timeout)
    except sh.TimeoutException:
        message = f"{what}: timed out after {timeout:g}s (set timeout=N on the block)"
        raise Problem(message) from None
    finally:
        groups.kill(process.pid)
    output = process.stdout.decode(errors="replace")
    return Ran(int(process.exit_code or 0), output)


def find_python(version: str, path: str) -> str:
    """The real ``pythonX.Y`` interpreter first on ``path`` (pyenv's shims resolved)."""
    found = workspace.find_python(version, path)
    if found is not None:
        return found
    raise Problem(
        f"the image is FROM python:{version}, and python{version} is not on PATH: install it "
        "(the emulation builds the image in a virtualenv on that Python)"
    )
