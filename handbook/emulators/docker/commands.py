"""The docker commands the emulation understands, one function each.

Each takes the block's :class:`State` and the parsed :class:`Call`, does what the
command would do (or as much of it as this machine can), and returns notes for the
block's reason; anything the real command would fail on raises Problem.
"""

from __future__ import annotations

from collections.abc import Callable

from handbook.emulators.docker.cli import Call
from handbook.emulators.docker.compose_commands import (
    compose_build,
    compose_config,
    compose_down,
    compose_exec,
    compose_logs,
    compose_ps,
    compose_run,
    compose_up,
)
from handbook.emulators.docker.state import State, build_checked

__all__ = ["HANDLERS"]


def build(state: State, call: Call) -> list[str]:
    cwd = state.desk.cwd()
    context = (cwd / call.args[0]).resolve()
    files = call.values("-f", "--file")
    dockerfile = (cwd / files[-1]).resolve() if files else context / "Dockerfile"
    return build_checked(state, dockerfile, context, call.values("-t", "--tag"))


def image_ls(state: State, call: Call) -> list[str]:
    wanted = call.args[0] if call.args else ""
    rows = [
        f"{repository}:{tag}"
        for repository, tag, _ in state.images.listing()
        if not wanted or wanted in (repository, f"{repository}:{tag}")
    ]
    return [f"images listed: {', '.join(rows) or 'none'}"]


HANDLERS: dict[tuple[str, ...], Callable[[State, Call], list[str]]] = {
    ("build",): build,
    ("image", "ls"): image_ls,
    ("compose", "config"): compose_config,
    ("compose", "up"): compose_up,
    ("compose", "build"): compose_build,
    ("compose", "run"): compose_run,
    ("compose", "exec"): compose_exec,
    ("compose", "ps"): compose_ps,
    ("compose", "logs"): compose_logs,
    ("compose", "down"): compose_down,
}
