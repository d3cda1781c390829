"""The team's project as a reader gets it: ``git clone`` of its published repository.

The sample project is published as a repository of its own, whose root is the Django
project (docs/contributing.md says how). Pages clone it by the URL in ``mkdocs.yml``
(``extra.project.repository``), and the site shows that URL. The engine stands in for
the network: it makes a repository from ``sample_project/`` as a clone has it (so edits
not yet committed are proved too), and git's ``url.<base>.insteadOf``, in the system
git config of the reader's terminal, sends the published URL there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handbook import reaper
from handbook.config import site_extra
from handbook.workspace import copy_as_cloned

__all__ = ["SOURCE", "Project", "published", "read_project"]

SOURCE = "sample_project"
"""The folder of this repository that is published as the project."""


@dataclass(frozen=True)
class Project:
    """Where readers clone the team's project from (``mkdocs.yml``, ``extra.project``)."""

    repository: str
    """The published URL: ``git clone URL``."""
    folder: str
    """The folder ``git clone`` makes."""


def read_project(root: Path) -> Project | None:
    """The project's published location, or None when the site names none."""
    entry = site_extra(root).get("project")
    if not isinstance(entry, dict) or not entry.get("repository"):
        return None
    repository = str(entry["repository"])
    folder = str(entry.get("folder") or repository.rstrip("/").rsplit("/", 1)[-1])
    return Project(repository, folder.removesuffix(".git"))


@contextmanager
def published(root: Path, project: Project) -> Iterator[Path]:
    """A stand-in for the published repository; yields a git config that points there."""
    folder = Path(tempfile.mkdtemp(prefix="handbook-project-"))
    reaper.watch("path", folder)
    try:
        work = folder / "work"
        copy_as_cloned(root / SOURCE, work)
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
        for argv in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "add", "-A"],
            ["git", "-c", "user.name=Our Team", "-c", "user.email=team@example.com",
             "commit", "-q", "-m", "The team's Django project"],
            ["git", "clone", "-q", "--bare", ".", str(folder / "published.git")],
        ):  # fmt: skip
            subprocess.run(argv, cwd=work, env=env, check=True, capture_output=True)
        shutil.rmtree(work)
        config = folder / "gitconfig"
        config.write_text(
            f'[url "{folder / "published.git"}"]\n\tinsteadOf = {project.repository}\n'
        )
        yield config
    finally:
        reaper.remove(folder)
