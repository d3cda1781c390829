"""The emulated build: the Dockerfile's stages, instruction by instruction, in a folder.

Every stage works in the same image folder, so ``COPY --from=build /opt/venv /opt/venv``
finds the virtualenv where the build stage made it (a virtualenv cannot be moved).
RUN steps run as the Dockerfile writes them, except the base image's business
(apt-get, useradd ...), which is recorded as not run; see ``steps``.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from handbook.emulators.docker.context import Context
from handbook.emulators.docker.dockerfile import Dockerfile, Instruction, Stage, exec_form
from handbook.emulators.docker.image import BASE_PATH, Image, Images
from handbook.emulators.docker.process import execute, find_python
from handbook.emulators.docker.steps import Step, StepKind, split_run
from handbook.emulators.lines import Deadline
from handbook.errors import Problem
from handbook.failure import tail

__all__ = ["build"]

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_RECORDED = frozenset(
    {"CMD", "ENTRYPOINT", "HEALTHCHECK", "EXPOSE", "LABEL", "STOPSIGNAL", "VOLUME", "USER"}
)


def build(
    images: Images,
    dockerfile: Dockerfile,
    context: Context,
    tags: list[str],
    *,
    search_path: str,
    build_env: dict[str, str],
    deadline: Deadline,
) -> tuple[Image, bool]:
    """Build (or reuse) the image and tag it; also whether the cache served it."""
    version = dockerfile.python()
    digest = hashlib.sha256(dockerfile.path.read_bytes() + context.digest().encode())
    image_id = digest.hexdigest()[:12]
    cached = images.cached(image_id)
    if cached is not None:
        images.tag(cached, tags)
        return cached, True
    folder = images.new_folder(image_id)
    interpreter = find_python(version, search_path)
    # The base image's own Python, kept apart from this machine's.
    base = folder / "base"
    _run([interpreter, "-m", "venv", "--without-pip", str(base)], {}, folder, deadline, "FROM")
    env = {"PATH": BASE_PATH, "LANG": "C.UTF-8"}
    start = Image(image_id, folder, version, env, "/", "root", [], [], None)
    builder = _Builder(dockerfile, context, interpreter, build_env, deadline, start)
    for stage in dockerfile.needed():
        builder.stage(stage)
    final = builder.states[id(dockerfile.final)]
    user = dockerfile.last("USER")
    image = replace(
        final,
        user=user.value if user else "root",
        entrypoint=dockerfile.entrypoint(),
        cmd=dockerfile.cmd(),
        healthcheck=dockerfile.healthcheck(),
        skipped=builder.skipped,
    )
    program = dockerfile.command()[0]
    if image.which(program, image.process_env()) is None:
        raise Problem(
            f"the CMD runs {program}, which the built image does not have: the container would "
            f"stop at once with '{program}: not found'. Install it in the image"
        )
    images.tag(image, tags)
    return image, False


@dataclass
class _Builder:
    dockerfile: Dockerfile
    context: Context
    interpreter: str
    build_env: dict[str, str]
    deadline: Deadline
    start: Image
    states: dict[int, Image] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)

    def stage(self, stage: Stage) -> None:
        parent = self.dockerfile.stage(stage.base)
        state = self.states[id(parent)] if parent is not None else self.start
        for instruction in stage.instructions:
            state = self.instruction(state, instruction)
        self.states[id(stage)] = state

    def instruction(self, image: Image, instruction: Instruction) -> Image:
        keyword, where = instruction.keyword, self.dockerfile.where(instruction)
        if keyword == "ENV":
            return replace(image, env={**image.env, **self._pairs(instruction.value, image.env)})
        if keyword == "ARG":
            name, _, default = instruction.value.partition("=")
            self.args.setdefault(name.strip(), default.strip())
        elif keyword == "WORKDIR":
            workdir = str(Path(image.workdir, self._expand(instruction.value, image.env)))
            image = replace(image, workdir=workdir)
            image.cwd().mkdir(parents=True, exist_ok=True)
        elif keyword in ("COPY", "ADD"):
            self._copy(image, instruction, where)
        elif keyword == "RUN":
            self._run_instruction(image, instruction, where)
        elif keyword not in _RECORDED:
            raise Problem(f"{where}: {keyword} cannot be emulated")
        return image

    def _copy(self, image: Image, instruction: Instruction, where: str) -> None:
        flags, words = instruction.split()
        if "chown" in flags or "chmod" in flags:
            self.skipped.append(f"{where} COPY --chown/--chmod (owners and modes)")
        if "from" in flags:
            if self.dockerfile.stage(flags["from"]) is None:
                raise Problem(f"{where}: COPY --from={flags['from']} (an image) cannot be emulated")
            for source in words[:-1]:
                origin, target = image.host_path(source), image.host_path(words[-1])
                if origin.resolve() != target.resolve():
                    _copy_path(origin, target)
            return
        for copy in self.context.plan(words[:-1], words[-1], image.workdir, where):
            origin = self.context.root / copy.source
            target = image.host_path(str(copy.target))
            if origin.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                _copy_path(origin, target)

    def _run_instruction(self, image: Image, instruction: Instruction, where: str) -> None:
        argv = exec_form(instruction.value)
        steps = [Step(shlex.join(argv), {}, argv)] if argv else split_run(instruction.value)
        for step in steps:
            if step.kind is StepKind.SYSTEM:
                self.skipped.append(f"{where} {step.program}")
            elif step.kind is StepKind.VENV:
                venv = [self.interpreter, "-m", "venv", str(image.host_path(step.argv[-1]))]
                _run(venv, {}, image.cwd(), self.deadline, where)
            else:
                self._run_step(image, step, where)

    def _run_step(self, image: Image, step: Step, where: str) -> None:
        env = image.process_env({**self.build_env, **step.assignments})
        if step.kind is not StepKind.PIP:
            shell = shutil.which("sh", path=env["PATH"]) or "/bin/sh"
            _run([shell, "-c", step.text], env, image.cwd(), self.deadline, where)
            return
        # pip and python only from the image folder, never this machine's own.
        inside = [f for f in env["PATH"].split(":") if Path(f).is_relative_to(image.folder)]
        argv = [
            str(image.host_path(a)) if a.startswith("/") and image.host_path(a).exists() else a
            for a in step.argv
        ]
        found = shutil.which(argv[0], path=":".join(inside))
        program = argv[0] if argv[0].startswith("/") else found
        base = image.folder / "base" / "bin"
        if program is None or Path(program).parent == base:
            if not (base / "pip").exists():  # the base image's pip
                ensure = [str(base / "python"), "-m", "ensurepip", "--default-pip"]
                _run(ensure, env, image.cwd(), self.deadline, where)
            program = program or str(base / "pip")
        _run([program, *argv[1:]], env, image.cwd(), self.deadline, where)

    def _pairs(self, value: str, env: dict[str, str]) -> dict[str, str]:
        words = shlex.split(value)
        if words and "=" not in words[0]:
            return {words[0]: self._expand(value.split(None, 1)[1], env)}
        pairs = (word.partition("=") for word in words)
        return {name: self._expand(text, env) for name, _, text in pairs}

    def _expand(self, text: str, env: dict[str, str]) -> str:
        known = {**self.args, **env}
        return _VARIABLE.sub(lambda m: known.get(m.group(1) or m.group(2), ""), text)


def _run(argv: list[str], env: dict[str, str], cwd: Path, deadline: Deadline, where: str) -> None:
    ran = execute(argv, env, cwd, deadline.left(where), where)
    if ran.status != 0:
        command = shlex.join([Path(argv[0]).name, *argv[1:]])
        raise Problem(
            f"{where}: `{command}` failed with exit status {ran.status}:\n{tail(ran.output)}"
        )


def _copy_path(origin: Path, target: Path) -> None:
    if origin.is_dir():
        shutil.copytree(origin, target, symlinks=True, dirs_exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)
