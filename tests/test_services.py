"""Background services and interruptions: whatever happens, nothing is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from handbook.claim import claim
from tests.chapters import (
    Handbook,
    free_port,
    kill_all,
    port_open,
    processes_matching,
    wait_until,
    workspaces,
)


def test_a_background_service_is_stopped_when_a_later_block_fails(handbook: Handbook) -> None:
    """A failed chapter must not leave a server holding the port for the next run."""
    port = free_port()
    handbook.chapter_from("service", port=port)
    fence = handbook.line_of("service", "http.server") - 1
    failing = handbook.line_of("service", "was-here")
    earlier = workspaces("service")

    result = handbook.run("docs/service.md")

    leftovers = processes_matching("http.server", str(port))
    kill_all(leftovers)
    result.assert_outcomes(passed=1, failed=1)
    assert leftovers == {}
    assert not port_open(port)
    assert workspaces("service") == earlier
    result.stdout.fnmatch_lines(
        [
            f"docs/service.md:{failing}: command failed with exit status 1",
            "--- output ---",
            "*HTTPError: HTTP Error 404: File not found",
            f"--- web (docs/service.md:{fence}) log ---",
            '*"GET /was-here HTTP/1.1" 404 -',
        ]
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupting_a_verification_leaves_nothing_behind(
    handbook: Handbook, signum: signal.Signals
) -> None:
    """Ctrl-C (or a CI runner's SIGTERM) mid-chapter stops services, blocks and workspace."""
    marker = handbook.root / "cleaned-up.txt"
    verification, slug, port, seconds = _verify_interrupt_page(handbook, marker, subprocess.PIPE)
    try:
        running = wait_until(lambda: bool(processes_matching("sleep", seconds)), timeout=60)
        assert running, "the chapter never reached its `sleep` block"
        assert port_open(port)

        interrupted = time.monotonic()
        verification.send_signal(signum)
        verification.wait(timeout=30)
        took = time.monotonic() - interrupted
    finally:
        if verification.poll() is None:
            os.killpg(verification.pid, signal.SIGKILL)
            verification.wait()
        leftovers = {
            **processes_matching("sleep", seconds),
            **processes_matching("http.server", str(port)),
        }
        kill_all(leftovers)

    output = verification.stdout.read().decode() if verification.stdout else ""
    assert verification.returncode == pytest.ExitCode.INTERRUPTED, output
    assert took < 5, output
    assert leftovers == {}
    assert not port_open(port)
    assert workspaces(slug) == []
    assert marker.read_text() == "cleaned up\n", "the chapter's cleanup ran"


def test_a_killed_verification_leaves_nothing_behind(handbook: Handbook) -> None:
    """SIGKILL (nox giving up, a cancelled CI job) gives the engine no say: the watchdog
    (handbook/reaper.py) stops the service and the block, and removes the workspace."""
    verification, slug, port, seconds = _verify_interrupt_page(
        handbook, Path(os.devnull), subprocess.DEVNULL
    )
    try:
        running = wait_until(lambda: bool(processes_matching("sleep", seconds)), timeout=60)
        assert running, "the chapter never reached its `sleep` block"
        assert port_open(port)

        verification.kill()
        verification.wait(timeout=30)

        def leftovers() -> dict[int, str]:
            return {
                **processes_matching("sleep", seconds),
                **processes_matching("http.server", str(port)),
            }

        gone = wait_until(lambda: not leftovers() and not workspaces(slug), timeout=15)
    finally:
        if verification.poll() is None:
            verification.kill()
        left = leftovers()
        kill_all(left)

    assert gone, f"left behind: {left}, {workspaces(slug)}"
    assert not port_open(port)


def _verify_interrupt_page(
    handbook: Handbook, marker: Path, output: int
) -> tuple[subprocess.Popen[bytes], str, int, str]:
    """Start verifying the interrupt fixture in a session of its own, as a terminal does:
    the process, the page's slug, its service's port, and its `sleep` argument, which
    no other command line has."""
    port = free_port()
    seconds = f"60.{uuid.uuid4().int % 10**6:06d}"
    slug = f"interrupt-{uuid.uuid4().hex[:8]}"
    handbook.chapter_from("interrupt", slug, port=port, seconds=seconds, marker=marker)
    command = [sys.executable, "-m", "pytest", "-p", "handbook.plugin", "-p", "no:cacheprovider"]
    verification = subprocess.Popen(
        [*command, f"docs/{slug}.md"],
        cwd=handbook.root,
        stdout=output,
        stderr=subprocess.STDOUT if output == subprocess.PIPE else output,
        start_new_session=True,
    )
    return verification, slug, port, seconds


def test_a_wait_for_a_port_another_chapter_holds_is_told(handbook: Handbook) -> None:
    """Chapters that pick the same port take turns, and the run says so, with the page
    and how long, instead of being slow without a word."""
    port, slug = free_port(), f"port-wait-{uuid.uuid4().hex[:8]}"
    handbook.chapter_from("service", slug, port=port)
    fence = handbook.line_of(slug, "http.server") - 1
    held = claim(f"port-{port}", wait=0)  # another chapter, verified at the same time
    assert held is not None

    def release() -> None:  # two seconds after the chapter has started
        wait_until(lambda: bool(workspaces(slug)), timeout=60)
        time.sleep(2.0)
        held.close()

    releasing = threading.Thread(target=release, daemon=True)
    releasing.start()
    try:
        result = handbook.run(f"docs/{slug}.md")
    finally:
        releasing.join(timeout=60)
        held.close()

    result.stdout.fnmatch_lines(
        [
            "*waited for a port another chapter held*",
            f"port {port}: *s at docs/{slug}.md:{fence}",
            "give each chapter ports of its own (docs/contributing.md, Ports)",
        ]
    )


def test_a_running_services_repr_does_not_wait_for_it_to_end(tmp_path: Path) -> None:
    """pytest shows a traceback's arguments by their repr; sh's repr of a running command
    waits for it to end, so an interrupted chapter's report hung until its deadline."""
    import sh  # noqa: PLC0415 (the engine's dependency, only here)

    from handbook.service import Service  # noqa: PLC0415

    process = sh.sleep("30", _bg=True, _bg_exc=False)
    try:
        service = Service("web", "docs/x.md:3", tmp_path / "log", process)
        said: list[str] = []
        reading = threading.Thread(target=lambda: said.append(repr(service)), daemon=True)
        reading.start()
        reading.join(timeout=5)

        assert said, "repr(Service) still waiting after 5 s"
        assert said[0].startswith("Service(name='web', where='docs/x.md:3'")
    finally:
        process.kill()
