"""Checks on the image that need no build: hadolint, .dockerignore, COPY sources, the CMD.

They take a second, so every emulated build and compose command runs them first; and
they name the cause of the failures a build would only show late ("gunicorn: not found"
when the container starts, a WSGI module missing when the first worker boots).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from handbook.emulators.docker.context import Context
from handbook.emulators.docker.dockerfile import Dockerfile, Stage, hadolint
from handbook.emulators.docker.steps import StepKind, split_run
from handbook.errors import Problem

__all__ = ["Layout", "check_image", "layout"]

_BASE_PROGRAMS = re.compile(r"^(?:python(?:\d+(?:\.\d+)?)?|sh|bash|env)$")
_PROVIDED_BY = {"django-admin": "django"}  # console scripts named otherwise than their package
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_GUNICORN_VALUED = frozenset(
    {"-c", "--config", "-b", "--bind", "-w", "--workers", "-k", "--worker-class", "-t"}
    | {"--timeout", "--chdir", "--log-level", "--access-logfile", "--error-logfile"}
)


@dataclass(frozen=True)
class Layout:
    """What a stage of the image holds from the build context."""

    files: dict[PurePosixPath, str]
    """Image path -> path in the build context."""
    workdir: PurePosixPath


def check_image(dockerfile: Dockerfile, context: Context) -> list[str]:
    """Every check that needs no build; notes saying what was checked."""
    hadolint(dockerfile.path)
    leaks = context.leaks()
    if leaks:
        raise Problem(
            ".dockerignore lets into the image: " + "; ".join(leaks) + ". Add them to "
            f"{context.root.name}/.dockerignore"
        )
    dockerfile.python()
    for stage in dockerfile.needed():
        layout(dockerfile, stage, context)  # every COPY source exists
    return [
        "hadolint clean",
        ".dockerignore keeps .env, .git and virtualenvs out",
        "every COPY source is in the build context",
        _check_command(dockerfile, context),
    ]


def layout(dockerfile: Dockerfile, stage: Stage, context: Context) -> Layout:
    """The files COPY puts in ``stage`` (and the stages it is FROM); Problem if one is missing."""
    files: dict[PurePosixPath, str] = {}
    workdir = PurePosixPath("/")
    for link in dockerfile.chain(stage):
        for instruction in link.instructions:
            if instruction.keyword == "WORKDIR":
                workdir = workdir / instruction.value
            if instruction.keyword in ("COPY", "ADD"):
                flags, words = instruction.split()
                if "from" in flags or len(words) < 2:
                    continue
                where = dockerfile.where(instruction)
                for copy in context.plan(words[:-1], words[-1], str(workdir), where):
                    files[copy.target] = copy.source
    return Layout(files, workdir)


def _check_command(dockerfile: Dockerfile, context: Context) -> str:
    argv = dockerfile.command()
    program = PurePosixPath(argv[0]).name
    image = layout(dockerfile, dockerfile.final, context)
    cmd = dockerfile.last("CMD") or dockerfile.last("ENTRYPOINT")
    where = dockerfile.where(cmd) if cmd else dockerfile.path.name
    if not _BASE_PROGRAMS.match(program):
        installed, sources = _installed(dockerfile, context)
        if _normal(_PROVIDED_BY.get(program, program)) not in installed:
            listed = ", ".join(sources) or "nothing: no pip install -r"
            raise Problem(
                f"{where}: the CMD runs {program}, but nothing the Dockerfile installs provides "
                f"it (it installs {listed}), so the container would stop at once with "
                f"'{program}: not found'. Add {program} to those requirements, or fix the CMD"
            )
    if program != "gunicorn":
        return f"the CMD runs {program}"
    module = _gunicorn_module(argv[1:], image, context, where)
    parts = module.replace(".", "/")
    candidates = [image.workdir / f"{parts}.py", image.workdir / parts / "__init__.py"]
    if not any(path in image.files for path in candidates):
        raise Problem(
            f"{where}: the CMD's WSGI module {module} is not in the image: there is no "
            f"{parts}.py in the build context (as .dockerignore filters it), so gunicorn "
            f"would fail with \"No module named '{module}'\""
        )
    return f"the CMD's gunicorn is installed and its WSGI module {module} is in the image"


def _gunicorn_module(args: list[str], image: Layout, context: Context, where: str) -> str:
    app, config = None, "gunicorn.conf.py"
    for index, arg in enumerate(args):
        previous = args[index - 1] if index else ""
        if arg.startswith("--config="):
            config = arg.split("=", 1)[1]
        elif previous in ("-c", "--config"):
            config = arg
        elif not arg.startswith("-") and previous not in _GUNICORN_VALUED:
            app = arg
    if app is not None:
        return app.split(":")[0]
    source = image.files.get(image.workdir / config)
    if source is None:
        raise Problem(
            f"{where}: gunicorn reads its application from {config}, which is not in the "
            "image (left out by .dockerignore, or never copied)"
        )
    tree = ast.parse((context.root / source).read_text())
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "wsgi_app" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value.split(":")[0]
    raise Problem(
        f"{where}: gunicorn is given no application: name it in the CMD (module:app) "
        f"or as wsgi_app in {config}"
    )


def _installed(dockerfile: Dockerfile, context: Context) -> tuple[set[str], list[str]]:
    """The packages the build's pip steps install, and the files that list them."""
    names: set[str] = set()
    sources: list[str] = []
    for stage in dockerfile.needed():
        files = layout(dockerfile, stage, context).files
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            for step in split_run(instruction.value):
                if step.kind is not StepKind.PIP:
                    continue
                names.update(_normal(_name(r)) for r in step.requirements())
                for file in step.requirement_files():
                    source = files.get(PurePosixPath("/", file)) or files.get(
                        layout(dockerfile, stage, context).workdir / file
                    )
                    if source is not None:
                        sources.append(source)
                        names.update(_requirement_names(context.root / source))
    return names, sources


def _requirement_names(path: Path) -> set[str]:
    names: set[str] = set()
    for line in path.read_text().splitlines():
        words = line.split()
        if words[:1] in (["-r"], ["--requirement"]) and len(words) > 1:
            names |= _requirement_names(path.parent / words[1])
        elif not line.lstrip().startswith(("#", "-")) and _NAME.match(line):
            names.add(_normal(_name(line)))
    return names


def _name(requirement: str) -> str:
    match = _NAME.match(requirement)
    return match.group(1) if match else requirement


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
