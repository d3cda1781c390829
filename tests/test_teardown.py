"""What the engine started it stops and removes at the end of a run, and what it cannot
remove yet is left to its watchdog, never forgotten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from handbook.database import start_server
from tests.chapters import wait_until


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.database
def test_pgserver_is_stopped_even_when_its_handles_name_another_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pgserver stops its server only when its list of handles names this process alone;
    otherwise it stopped nothing, the folder was removed, and PostgreSQL ran on."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with start_server() as server:
        assert server.provider == "pgserver"
        with psycopg.connect(server.url) as connection:
            row = connection.execute("SHOW data_directory").fetchone()
        assert row is not None
        folder = Path(row[0])
        postmaster = int((folder / "postmaster.pid").read_text().split()[0])
        handles = folder / ".handle_pids.json"
        handles.write_text(json.dumps([*json.loads(handles.read_text()), os.getppid()]))

    assert wait_until(lambda: not _running(postmaster), timeout=5), "PostgreSQL still runs"
    assert not folder.exists()


_REMOVING = """
import sys
from handbook import reaper
folder = sys.argv[1]
reaper.watch("path", folder)
reaper.remove(folder)
print("kept" if __import__("os").path.exists(folder) else "removed", flush=True)
sys.stdin.read()
"""


def test_a_folder_not_removed_yet_is_removed_by_the_watchdog_when_the_run_ends() -> None:
    """A file that cannot be removed yet (here: immutable; in a run: a process still
    writing there) keeps the folder watched, so the watchdog removes it at the end."""
    folder = Path(tempfile.mkdtemp(prefix="handbook-teardown-"))
    stuck = folder / "stuck"
    stuck.write_text("")
    if subprocess.run(["chattr", "+i", str(stuck)], check=False).returncode != 0:
        stuck.unlink()
        folder.rmdir()
        pytest.skip("chattr +i does not work on this file system: no file can be kept")
    engine = subprocess.Popen(
        [sys.executable, "-c", _REMOVING, str(folder)],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert engine.stdout is not None
        assert engine.stdout.readline().strip() == "kept"
    finally:
        subprocess.run(["chattr", "-i", str(stuck)], check=True)
        engine.communicate("", timeout=30)

    assert wait_until(lambda: not folder.exists(), timeout=10), f"{folder} was left"


_DYING = """
import os, signal, sys
from handbook import groups, reaper
# The engine is killed just after it started the command, before the watchdog knew of it.
reaper.watch = lambda kind, what: os.kill(os.getpid(), signal.SIGKILL)
groups.start(["touch", sys.argv[1]])
"""


def test_a_command_started_as_the_engine_is_killed_never_runs(tmp_path: Path) -> None:
    """Unwatched, it would run on in a group nobody knows of; behind the gate, the
    engine's death closes the pipe it waits on, and it ends without running."""
    ran = tmp_path / "ran"
    engine = subprocess.run(
        [sys.executable, "-c", _DYING, str(ran)],
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )

    assert engine.returncode == -9, "the engine was not killed where the test meant"
    assert not wait_until(ran.exists, timeout=2), "the command ran unwatched"
