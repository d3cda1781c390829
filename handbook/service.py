"""Background services (runserver, gunicorn, nginx): started, probed, always stopped."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sh

from handbook import groups
from handbook.claim import claim
from handbook.errors import NotReady
from handbook.terminal import Terminal

__all__ = ["NotReady", "Probe", "Service", "Services"]

DEFAULT_READY = 30.0
# Probes go straight to the service, never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_STOP_GRACE = 10.0
PORT_WAIT = 900.0
# A claim is retried every 0.5 s: a wait this long means another chapter held the port.
_WAIT_WORTH_TELLING = 1.0


@dataclass(frozen=True)
class Probe:
    """How to tell that a service is ready: an HTTP answer, an open port, or a log line."""

    url: str | None = None
    status: int | None = None
    port: int | None = None
    log: str | None = None

    def describe(self) -> str:
        if self.url:
            return f"{self.url} to answer" + (f" {self.status}" if self.status else "")
        if self.port:
            return f"127.0.0.1:{self.port} to accept connections"
        return f"the log to show {self.log!r}"

    def port_number(self) -> int | None:
        """The loopback port the service answers on, when the probe names one."""
        if self.port:
            return self.port
        if self.url:
            parts = urllib.parse.urlsplit(self.url)
            return parts.port or (443 if parts.scheme == "https" else 80)
        return None

    def busy_port(self) -> int | None:
        """The probed port, if something already listens there (it would answer for us)."""
        port = self.port_number()
        return port if port is not None and _port_open(port) else None

    def ready(self, log: Path) -> bool:
        if self.url:
            return _http_ready(self.url, self.status)
        if self.port:
            return _port_open(self.port)
        return self.log is not None and self.log in log.read_text(errors="replace")


@dataclass
class Service:
    """A running background block."""

    name: str
    where: str
    log: Path
    # Not in repr: sh's repr of a running command waits for it to end, and pytest shows
    # the repr of a traceback's arguments, so an interrupted chapter's report hung on it.
    process: sh.RunningCommand = field(repr=False)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Services:
    """The services of one chapter; ``stop_all`` is called whatever happens."""

    terminal: Terminal
    running: list[Service] = field(default_factory=list)
    claims: list[socket.socket] = field(default_factory=list)
    """Ports this chapter holds until it ends (see claim_port)."""
    waits: list[str] = field(default_factory=list)
    """Each wait for a port another chapter held: ``port 8020: 12.3s at docs/x.md:40``."""

    def start(self, name: str, where: str, code: str, probe: Probe, deadline: float) -> Service:
        port = probe.port_number()
        if port is not None:
            asked = time.monotonic()
            self.claims.append(claim_port(port, name))
            waited = time.monotonic() - asked
            if waited >= _WAIT_WORTH_TELLING:
                self.waits.append(f"port {port}: {waited:.1f}s at {where}")
        busy = probe.busy_port()
        if busy is not None:
            raise NotReady(
                f"port {busy} is already in use before {name} started, so the probe would "
                f"ask another program: stop it (`ss -ltnp 'sport = :{busy}'` shows which)"
            )
        log = self.terminal.workspace.control / f"service-{len(self.running) + 1}.log"
        service = Service(name, where, log, self.terminal.start(code, log))
        self.running.append(service)
        _wait(service, probe, deadline)
        return service

    def find(self, name: str) -> Service | None:
        """The latest running service of that name."""
        found = [service for service in self.running if service.name == name]
        return found[-1] if found else None

    def stop(self, name: str) -> bool:
        """Stop one service (its port stays claimed by the chapter); False if not running."""
        service = self.find(name)
        if service is None:
            return False
        groups.kill(service.process.pid, grace=_STOP_GRACE)
        self.running.remove(service)
        return True

    def interrupt(self, name: str) -> Service:
        """Stop a service as the reader does, with Ctrl+C where it runs.

        Raises NotReady when none of that name runs, or when it is still running
        ``_STOP_GRACE`` seconds after Ctrl+C (it is then killed).
        """
        service = self.find(name)
        if service is None:
            running = ", ".join(s.name for s in self.running) or "none"
            raise NotReady(f"no service named {name} is running (running: {running})")
        self.running.remove(service)
        if not groups.interrupt(service.process.pid, _STOP_GRACE):
            groups.kill(service.process.pid)
            raise NotReady(f"{name} was still running {_STOP_GRACE:g}s after Ctrl+C")
        return service

    def stop_all(self) -> None:
        for service in reversed(self.running):
            groups.kill(service.process.pid, grace=_STOP_GRACE)
        self.running.clear()
        for held in self.claims:
            held.close()
        self.claims.clear()

    def logs(self) -> str:
        """The tail of every service's log, for a failure report."""
        parts = [f"--- {s.name} ({s.where}) log ---\n{s.log_tail()}" for s in self.running]
        return "\n".join(parts)


def _wait(service: Service, probe: Probe, deadline: float) -> None:
    give_up = time.monotonic() + deadline
    alive: Callable[[], bool] = service.process.is_alive
    while time.monotonic() < give_up:
        if probe.ready(service.log):
            return
        if not alive():
            raise NotReady(
                f"{service.name} exited with status {service.process.exit_code} before "
                f"{probe.describe()}"
            )
        time.sleep(0.1)
    raise NotReady(f"{service.name} not ready after {deadline:g}s: waited for {probe.describe()}")


def claim_port(port: int, name: str, wait: float = PORT_WAIT) -> socket.socket:
    """Hold ``port`` for this chapter: chapters verified in parallel take turns."""
    held = claim(f"port-{port}", wait)
    if held is None:
        raise NotReady(
            f"port {port} stayed claimed by another chapter for {wait:g}s, "
            f"so {name} could not start"
        )
    return held


def _http_ready(url: str, status: int | None) -> bool:
    try:
        with _DIRECT.open(url, timeout=2) as response:
            code = int(response.status)
    except urllib.error.HTTPError as error:
        code = error.code
    except (OSError, ValueError):
        return False
    return code == status if status else code < 500


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
