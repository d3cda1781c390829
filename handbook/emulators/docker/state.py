"""One block's docker state: what its emulated commands share, and the checked build
they all use.

What outlasts the block (images, running services) lives in the chapter's workspace,
under ``control/docker``, so it carries from block to block like a daemon's would.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handbook.emulators.docker.build import build
from handbook.emulators.docker.checks import check_image
from handbook.emulators.docker.context import Context
from handbook.emulators.docker.dockerfile import read_dockerfile
from handbook.emulators.docker.image import Image, Images
from handbook.emulators.lines import Deadline
from handbook.errors import Problem

if TYPE_CHECKING:
    from handbook.desk import Desk

__all__ = ["State", "build_checked", "stored"]


@dataclass
class State:
    """What the emulated docker commands of one block share; what outlasts the block lives
    in the workspace (:attr:`folder`)."""

    desk: Desk
    deadline: Deadline
    where: str = ""
    """``docs/<slug>.md:LINE`` of the command being emulated."""
    built: set[str] = field(default_factory=set)

    @property
    def folder(self) -> Path:
        return self.desk.workspace.control / "docker"

    @property
    def images(self) -> Images:
        return Images(self.folder)

    def shell_env(self) -> dict[str, str]:
        """The reader's exported variables now (compose reads them before .env)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / "shell.env"
        result = self.desk.terminal.run(f"env -0 > {shlex.quote(str(target))}\n", timeout=30)
        if result.status != 0 or not target.is_file():
            return dict(self.desk.terminal.env)
        pairs = target.read_bytes().decode(errors="replace").split("\0")
        return dict(pair.partition("=")[::2] for pair in pairs if "=" in pair)

    def build_env(self) -> dict[str, str]:
        """Where pip finds packages on this machine (indexes, proxies)."""
        env = self.desk.terminal.env
        return {
            k: v for k, v in env.items() if k.startswith("PIP_") or k.lower().endswith("_proxy")
        }


def build_checked(
    state: State, dockerfile_path: Path, context_path: Path, tags: list[str]
) -> list[str]:
    """Check the Dockerfile and context, build the image (or reuse it) and tag it."""
    dockerfile = read_dockerfile(dockerfile_path)
    context = Context.read(context_path, dockerfile_path)
    notes = check_image(dockerfile, context)
    image, cached = build(
        state.images,
        dockerfile,
        context,
        tags,
        search_path=state.desk.terminal.env["PATH"],
        build_env=state.build_env(),
        deadline=state.deadline,
    )
    state.built.update(tags)
    skipped = sorted({entry.split(" ", 1)[1] for entry in image.skipped})
    built = f"{', '.join(tags) or 'the image'} built in a virtualenv on Python {image.python}"
    built += ", reused as Docker's cache would (the same Dockerfile and context)" if cached else ""
    return [
        *notes,
        built,
        f"not run: the {', '.join(skipped)} steps" if skipped else "",
        f"ENV and WORKDIR {image.workdir} applied, USER {image.user} recorded (processes "
        "run as this machine's user)",
    ]


def stored(state: State, image_id: str) -> Image:
    image = state.images.cached(image_id)
    if image is None:
        raise Problem(f"image {image_id} is gone")
    return image
