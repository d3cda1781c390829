"""An emulated image: a folder laid out like the image's file system, and its settings.

``root/`` holds what the build put at ``/`` (``root/opt/venv``, ``root/app``); the
base image's Python is a small virtualenv of its own (``base/``), so nothing the build
installs ever lands in this machine's Python. Images are remembered by tag in the
chapter's workspace, like a daemon's image store, and a build of the same Dockerfile
and context is reused, as Docker's cache would.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from handbook.emulators.docker.dockerfile import Healthcheck

__all__ = ["Image", "Images"]

# The python:3.X images' own PATH; the folders that exist in the image folder are used.
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_SYSTEM_PATH = "/usr/bin:/bin"


@dataclass(frozen=True)
class Image:
    """An image built by the emulation."""

    id: str
    folder: Path
    python: str
    """The Python version of the base image (3.12)."""
    env: dict[str, str]
    """ENV, as the container sees it (image paths)."""
    workdir: str
    user: str
    entrypoint: list[str]
    cmd: list[str]
    healthcheck: Healthcheck | None
    skipped: list[str] = field(default_factory=list)
    """RUN steps not run (apt-get, useradd ...), as ``Dockerfile:LINE program``."""

    @property
    def root(self) -> Path:
        return self.folder / "root"

    def host_path(self, path: str) -> Path:
        """Where an image path lives in the image folder."""
        return self.root / path.lstrip("/")

    def cwd(self) -> Path:
        return self.host_path(self.workdir)

    def process_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The environment of a process in the container: ENV, then ``extra``.

        PATH is the image's, each folder moved into the image folder; the base image's
        Python and this machine's basic tools (sh, env) come after it.
        """
        home = str(self.host_path("/root"))
        env = {"HOME": home, "LANG": "C.UTF-8", **self.env, **(extra or {})}
        folders = [str(self.host_path(f)) for f in env.get("PATH", BASE_PATH).split(":") if f]
        folders = [f for f in folders if Path(f).is_dir()]
        env["PATH"] = os.pathsep.join([*folders, str(self.folder / "base" / "bin"), _SYSTEM_PATH])
        return env

    def which(self, program: str, env: dict[str, str]) -> str | None:
        """The file ``program`` (a name or an image path) runs in the container."""
        if program.startswith("/"):
            path = self.host_path(program)
            return str(path) if path.exists() else shutil.which(program)
        return shutil.which(program, path=env["PATH"])

    def argv(self, command: list[str] | None = None) -> list[str]:
        """What a container runs: ENTRYPOINT, then ``command`` (compose's) or CMD."""
        return [*self.entrypoint, *(command or self.cmd)]

    def save(self) -> None:
        data = asdict(self)
        data["folder"] = str(self.folder)
        (self.folder / "image.json").write_text(json.dumps(data, indent=2))

    @classmethod
    def load(cls, folder: Path) -> Image:
        data: dict[str, Any] = json.loads((folder / "image.json").read_text())
        check = data.pop("healthcheck")
        health = Healthcheck(**{**check, "argv": tuple(check["argv"])}) if check else None
        return cls(**{**data, "folder": Path(data["folder"]), "healthcheck": health})


@dataclass(frozen=True)
class Images:
    """The chapter's image store: ``images/<id>/`` folders and ``tags.json``."""

    folder: Path

    def get(self, tag: str) -> Image | None:
        image_id = self._tags().get(_full(tag))
        return Image.load(self.folder / "images" / image_id) if image_id else None

    def cached(self, image_id: str) -> Image | None:
        folder = self.folder / "images" / image_id
        return Image.load(folder) if (folder / "image.json").is_file() else None

    def new_folder(self, image_id: str) -> Path:
        folder = self.folder / "images" / image_id
        shutil.rmtree(folder, ignore_errors=True)  # an earlier build that failed halfway
        (folder / "root").mkdir(parents=True)
        return folder

    def tag(self, image: Image, tags: list[str]) -> None:
        image.save()
        known = self._tags()
        known.update(dict.fromkeys(map(_full, tags), image.id))
        (self.folder / "tags.json").write_text(json.dumps(known, indent=2))

    def listing(self) -> list[tuple[str, str, str]]:
        """(repository, tag, image id) of every tag, the newest first."""
        rows = [(*tag.rsplit(":", 1), image_id) for tag, image_id in self._tags().items()]
        return [(r[0], r[1], r[2]) for r in reversed(rows)]

    def _tags(self) -> dict[str, str]:
        path = self.folder / "tags.json"
        tags: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
        return tags


def _full(tag: str) -> str:
    """``name`` means ``name:latest``, as for Docker."""
    return tag if ":" in tag.rsplit("/", 1)[-1] else f"{tag}:latest"
