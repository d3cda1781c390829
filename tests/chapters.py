"""Builders for the engine's tests: a throwaway handbook project, and ways to watch it run.

A :class:`Handbook` is a pytester folder laid out like the real repository (``pyproject.toml``,
``mkdocs.yml`` with the snippet settings the site uses, ``docs/<slug>.md``). Chapters come
from ``tests/fixtures/<name>.md``; ``@NAME@`` placeholders in them are filled in per test
(ports, unique tokens). Anything that runs blocks runs pytest in a subprocess, so processes,
process groups and signals are real. Collection runs no block, so collection errors are
checked in this process, which is much faster.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "ENGINE_ROOT",
    "FIXTURES",
    "Handbook",
    "engine_pythonpath",
    "exact",
    "excerpt_row",
    "free_port",
    "kill_all",
    "port_open",
    "processes_matching",
    "wait_until",
    "workspaces",
]

ENGINE_ROOT = Path(__file__).resolve().parent.parent
"""The repository whose ``handbook`` package is under test."""
FIXTURES = Path(__file__).resolve().parent / "fixtures"

PYPROJECT = """\
[tool.pytest.ini_options]
filterwarnings = [
  "ignore:This process .* is multi-threaded, use of fork:DeprecationWarning",
  "ignore:XDG_RUNTIME_DIR",
]
"""
MKDOCS = """\
site_name: A throwaway handbook
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: true
"""
_RUN = ("-p", "handbook.plugin", "-p", "no:cacheprovider", "-ra")
_PLACEHOLDER = re.compile(r"@[A-Z_]+@")


@dataclass
class Handbook:
    """A throwaway handbook repository in a pytester folder."""

    pytester: pytest.Pytester

    @classmethod
    def create(cls, pytester: pytest.Pytester) -> Handbook:
        pytester.makefile(".toml", pyproject=PYPROJECT)
        pytester.makefile(".yml", mkdocs=MKDOCS)
        (pytester.path / "docs").mkdir()
        return cls(pytester)

    @property
    def root(self) -> Path:
        return self.pytester.path

    def pins(self, django: str = "9.9.9", python: str = "3.99", postgresql: str = "77") -> None:
        """Write the files macros read versions from (handbook/versions.py), these pinned."""
        files = {
            "sample_project/requirements.txt": f"django=={django} \\\n    --hash=sha256:0\n",
            "sample_project/requirements-dev.txt": "",
            "sample_project/requirements.in": "Django>=9.9,<9.10  # the LTS\n",
            "sample_project/Dockerfile": f"FROM python:{python}-slim\n",
            "sample_project/docker-compose.yml": (
                f"services:\n  db:\n    image: postgres:{postgresql}\n"
            ),
            "requirements-nox.txt": "nox==1.0\n",
            "versions.toml": (
                '[python]\nsupported = ["3.98", "3.99"]\n[kubernetes]\nversion = "1.0"\n'
            ),
        }
        for name, text in files.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text)

    def chapter(self, slug: str, text: str) -> Path:
        """Write ``docs/<slug>.md``."""
        path = self.root / "docs" / f"{slug}.md"
        path.write_text(text)
        return path

    def chapter_from(self, fixture: str, slug: str | None = None, **values: object) -> Path:
        """Write ``docs/<slug>.md`` from ``tests/fixtures/<fixture>.md``, placeholders filled."""
        text = (FIXTURES / f"{fixture}.md").read_text()
        for name, value in values.items():
            text = text.replace(f"@{name.upper()}@", str(value))
        left = _PLACEHOLDER.findall(text)
        assert not left, f"fixture {fixture} still has placeholders {left}"
        return self.chapter(slug or fixture, text)

    def line_of(self, slug: str, needle: str) -> int:
        """The 1-based line of ``docs/<slug>.md`` that holds ``needle`` (exactly one must)."""
        lines = (self.root / "docs" / f"{slug}.md").read_text().splitlines()
        found = [number for number, line in enumerate(lines, start=1) if needle in line]
        assert len(found) == 1, f"{needle!r} is on lines {found} of docs/{slug}.md"
        return found[0]

    def lines_equal_to(self, slug: str, text: str) -> list[int]:
        """The 1-based lines of ``docs/<slug>.md`` that are ``text`` (indentation aside)."""
        lines = (self.root / "docs" / f"{slug}.md").read_text().splitlines()
        return [number for number, line in enumerate(lines, start=1) if line.strip() == text]

    def run(self, *args: str, timeout: float = 120) -> pytest.RunResult:
        """Verify chapters in a pytest subprocess: ``run("docs/x.md", "-v")``."""
        return self.pytester.runpytest_subprocess(*_RUN, *args, timeout=timeout)

    def collect(self, *args: str) -> pytest.RunResult:
        """Collect chapters in this process (nothing runs, so nothing needs a subprocess)."""
        return self.pytester.runpytest_inprocess(*_RUN, "--collect-only", *args)

    def report(self) -> dict[str, Any]:
        """``build/verification.json`` as written by the last run."""
        data: dict[str, Any] = json.loads((self.root / "build" / "verification.json").read_text())
        return data


def exact(line: str) -> str:
    """An fnmatch pattern matching ``line`` literally (``[``, ``*`` and ``?`` escaped)."""
    return re.sub(r"([\[*?])", r"[\1]", line)


def excerpt_row(number: int, text: str, marked: bool = False) -> str:
    """A pattern for one row of a failure's block excerpt: ``  >   12 | false``."""
    return exact(f"  {'>' if marked else ' '} {number:>4} | {text}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def processes_matching(*words: str) -> dict[int, str]:
    """Live processes whose command line contains every one of ``words``: pid -> command line."""
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        text = " ".join(part.decode(errors="replace") for part in argv if part)
        if text and all(word in text for word in words):
            found[int(cmdline.parent.name)] = text
    return found


def kill_all(pids: Iterable[int]) -> None:
    """Clean up after an engine that left processes behind, so later tests start clean."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def workspaces(slug: str) -> list[Path]:
    """The temporary workspaces of chapter ``slug`` that still exist."""
    return sorted(Path(tempfile.gettempdir()).glob(f"handbook-{slug}-*"))


def engine_pythonpath() -> str:
    """PYTHONPATH that makes this repository's ``handbook`` importable in a subprocess."""
    rest = os.environ.get("PYTHONPATH")
    return os.pathsep.join([str(ENGINE_ROOT), *([rest] if rest else [])])
