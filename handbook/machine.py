"""One reader's machine, shared by the pages of a journey (``--journey``).

A chapter run on its own gets a fresh HOME; in a journey every page gets the same one,
laid out once as the prerequisites page leaves it, and its folders live under one root.
At the end, :meth:`Machine.changes` says how the machine differs from how it started.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from handbook import reaper
from handbook.database import Server
from handbook.reader import home_changes, prepare_home, snapshot
from handbook.workspace import open_to_workers

__all__ = ["Machine"]


class Machine:
    """The reader's HOME and PostgreSQL server for a whole journey."""

    def __init__(self, server: Server | None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="handbook-journey-"))
        open_to_workers(self.root)
        reaper.watch("path", self.root)
        self.home = self.root / "home"
        self.home.mkdir()
        self.server = server
        prepare_home(self.home, server.client_environment() if server else {})
        self._home = snapshot(self.home)
        self._server = server.contents() if server else None

    def changes(self) -> list[str]:
        """How the machine differs from how it started, one line each."""
        found = home_changes(self._home, snapshot(self.home))
        if self.server is not None and self._server is not None:
            databases, roles = self.server.contents()
            found += [f"database {name}: left" for name in sorted(databases - self._server[0])]
            found += [f"role {name}: left" for name in sorted(roles - self._server[1])]
        found += [f"process {pid}: still running ({what})" for pid, what in self._processes()]
        return found

    def remove(self) -> None:
        reaper.remove(self.root)

    def _processes(self) -> list[tuple[int, str]]:
        """Processes that run in the journey's folders, or name them on their command line."""
        found = []
        for entry in Path("/proc").glob("[0-9]*"):
            pid = int(entry.name)
            if pid == os.getpid():
                continue
            try:
                cwd = os.readlink(entry / "cwd")
                argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                continue  # ended while we looked, or not ours to see
            if cwd.startswith(str(self.root)) or str(self.root) in argv:
                found.append((pid, argv or cwd))
        return found
