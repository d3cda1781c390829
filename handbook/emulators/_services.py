"""Long-running compose services as the chapter's background services.

They are started with ``run.services``, so the engine stops them (with their whole
process group) when the chapter ends, whatever happens; ``compose down`` stops them
earlier.
"""

from __future__ import annotations

import shlex
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from handbook.emulators._compose import Project
from handbook.emulators._image import Image
from handbook.emulators._problem import Problem
from handbook.emulators._process import Deadline
from handbook.emulators._stack import Container, healthy, published, start_code
from handbook.service import NotReady, Probe, Service

if TYPE_CHECKING:
    from handbook.run import ChapterRun

__all__ = ["find_service", "start_service", "stop_service"]


def start_service(
    run: ChapterRun,
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
        service = run.services.start(
            box.service, where, start_code(box), probe, deadline.left(box.service)
        )
    except NotReady as error:
        raise Problem(f"the {box.service} service did not start: {error}") from None
    health = healthy(box, image, deadline, service.process.is_alive)
    return box, [f"{box.service} started ({command})", bound, health]


def find_service(run: ChapterRun, name: str) -> Service | None:
    return run.services.find(name)


def stop_service(run: ChapterRun, name: str) -> bool:
    """Stop the service and forget it; False if it was not running."""
    return run.services.stop(name)
