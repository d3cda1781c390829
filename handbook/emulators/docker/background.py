"""Long-running compose services, started as the chapter's background services: a
service built here from its image (ready when its health check passes), and a Redis
service stood in for by redis-server on a free port.

They are started with the desk's ``services``, so the engine stops them (with their whole
process group) when the chapter ends, whatever happens; ``compose down`` stops them
earlier (``services.stop``).
"""

from __future__ import annotations

import shlex
import shutil
import socket
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from handbook.emulators.docker.compose import Project
from handbook.emulators.docker.containers import Container, healthy, published, start_code
from handbook.emulators.docker.image import Image
from handbook.emulators.lines import Deadline
from handbook.errors import Lacking, Problem
from handbook.needs import NEEDS
from handbook.service import NotReady, Probe

if TYPE_CHECKING:
    from handbook.desk import Desk

__all__ = ["redis_address", "start_redis", "start_service"]


def start_service(
    desk: Desk,
    project: Project,
    box: Container,
    image: Image,
    *,
    where: str,
    deadline: Deadline,
) -> tuple[Container, list[str]]:
    """Start the service in the background and wait until its HEALTHCHECK passes."""
    command = shlex.join([PurePosixPath(box.argv[0]).name, *box.argv[1:]])
    ports = project.ports(box.service)
    box, bound = published(box, ports)
    # Ready when the published port answers; without one, the HEALTHCHECK alone says.
    probe = Probe(port=ports[0].host) if ports else Probe(log="")
    try:
        service = desk.services.start(
            box.service, where, start_code(box), probe, deadline.left(box.service)
        )
    except NotReady as error:
        raise Problem(f"the {box.service} service did not start: {error}") from None
    check = project.healthcheck(box.service)
    health = healthy(box, image, deadline, service.process.is_alive, check)
    return box, [f"{box.service} started ({command})", bound, health]


def start_redis(
    desk: Desk, name: str, argv: list[str], cwd: Path, *, where: str, deadline: Deadline
) -> Container:
    """Stand in for a Redis service: redis-server, with the service's arguments, on a
    free port of this machine; ready when the port answers."""
    program = shutil.which("redis-server", path=desk.terminal.env.get("PATH"))
    if program is None:
        raise Lacking(NEEDS["redis"], f"the {name} service's stand-in, without a Docker daemon")
    port = _free_port()
    argv = [program, *argv, "--bind", "127.0.0.1", "--port", str(port)]
    box = Container(name, "", {}, argv, str(cwd))
    try:
        desk.services.start(name, where, start_code(box), Probe(port=port), deadline.left(name))
    except NotReady as error:
        raise Problem(f"the {name} service did not start: {error}") from None
    return box


def redis_address(box: Container) -> str:
    """Where a stand-in started by start_redis listens."""
    return f"127.0.0.1:{box.argv[box.argv.index('--port') + 1]}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
