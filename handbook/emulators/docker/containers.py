"""Compose's containers in the emulation: processes started from an emulated image.

A container is the image's command, run in the image folder's WORKDIR with exactly the
environment compose would give it (the image's ENV, then ``env_file``, then
``environment``) and nothing of this machine's. Three things differ, and the notes
say so: the database service is stood in for by a database on the reader's PostgreSQL
(DATABASE_URL points there), a Redis service by a redis-server of the chapter's own
(the redis:// URLs that name it point there), and the published port is this
machine's port.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from handbook.emulators.docker.compose import Port, Project
from handbook.emulators.docker.dockerfile import Healthcheck
from handbook.emulators.docker.image import Image
from handbook.emulators.docker.process import Ran, execute
from handbook.emulators.lines import Deadline
from handbook.errors import Problem
from handbook.failure import tail

__all__ = [
    "Container",
    "container",
    "healthy",
    "published",
    "run_once",
    "running",
    "save_running",
    "start_code",
]

_ALL_INTERFACES = ("0.0.0.0", "[::]", "::", "")  # noqa: S104 (compared with, never bound)
_BIND = "import runpy, sys; print(runpy.run_path(sys.argv[1]).get('bind') or '')"


@dataclass(frozen=True)
class Container:
    """One service's process, as compose would start it."""

    service: str
    image_id: str
    env: dict[str, str]
    argv: list[str]
    """The program resolved to its file in the image folder, then its arguments."""
    cwd: str


def container(
    project: Project,
    name: str,
    image: Image,
    command: list[str] | None,
    database_url: str | None,
    *,
    redis_address: str | None = None,
) -> tuple[Container, list[str]]:
    """The service's process, and notes on what the emulation changed."""
    notes: list[str] = []
    env = project.environment(name)
    redis = project.redis()
    if redis and redis_address:
        pointed = [key for key, value in env.items() if _names_host(value, redis)]
        for key in pointed:
            env[key] = urlsplit(env[key])._replace(netloc=redis_address).geturl()
        if pointed:
            notes.append(
                f"{redis} stood in for by redis-server at {redis_address}: {', '.join(pointed)}"
            )
    database = project.database()
    url = env.get("DATABASE_URL")
    if database and url and urlsplit(url).hostname == database:
        if not database_url or not database_url.startswith("postgres"):
            raise Problem(
                f"the {database} service runs PostgreSQL, and this chapter has none to stand in "
                "for it: give the chapter `database: postgresql` in its front matter"
            )
        env["DATABASE_URL"] = database_url
        notes.append(f"{database} stood in for by a database on the reader's PostgreSQL")
    process_env = image.process_env(env)
    argv = image.argv(command)
    program = image.which(argv[0], process_env)
    if program is None:
        raise Problem(
            f"the {name} service runs {argv[0]}, which the image does not have: the container "
            f"would stop at once with '{argv[0]}: not found'"
        )
    built = Container(name, image.id, process_env, [program, *argv[1:]], str(image.cwd()))
    return built, notes


def run_once(box: Container, deadline: Deadline, what: str) -> Ran:
    """Run the container's command to its end (a one-off such as migrate)."""
    return execute(box.argv, box.env, Path(box.cwd), deadline.left(what), what)


def published(box: Container, ports: list[Port]) -> tuple[Container, str]:
    """Bind the service to its published address, after checking it listens on all
    interfaces inside the container (or the published port would reach nothing)."""
    if not ports:
        return box, "no port published"
    port = ports[0]
    program = PurePosixPath(box.argv[0]).name
    if program != "gunicorn":
        return box, f"{program} listens where it chooses (only gunicorn is rebound)"
    if port.host != port.container:
        raise Problem(f"publishing container port {port.container} as {port.host} is not emulated")
    inside = _gunicorn_bind(box)
    host, _, number = inside.rpartition(":")
    if host not in _ALL_INTERFACES or number != str(port.container):
        raise Problem(
            f"gunicorn listens on {inside or '127.0.0.1:8000 (its default)'} inside the "
            f"container, so the published port {port.container} reaches nothing: bind "
            f"0.0.0.0:{port.container} (GUNICORN_BIND in the Dockerfile's ENV)"
        )
    address = f"{port.host_ip or '127.0.0.1'}:{port.host}"
    rebound = Container(box.service, box.image_id, box.env, [*box.argv, "--bind", address], box.cwd)
    return rebound, f"gunicorn binds {inside} in the container, here {address} (the published one)"


def healthy(
    box: Container,
    image: Image,
    deadline: Deadline,
    alive: Callable[[], bool],
    check: Healthcheck | None = None,
) -> str:
    """Run the service's health check (compose's, else the image's HEALTHCHECK) until it
    passes, as Docker does in the start period."""
    what = "compose healthcheck" if check else "HEALTHCHECK"
    check = check or image.healthcheck
    if check is None:
        return "the image has no HEALTHCHECK"
    argv = list(check.argv)
    program = image.which(argv[0], box.env)
    if program is None:
        raise Problem(f"the {what} runs {argv[0]}, which the image does not have")
    started = time.monotonic()
    give_up = started + max(check.start_period, 10.0) + check.retries * check.timeout
    ran = Ran(1, "")
    while time.monotonic() < min(give_up, deadline.at):
        ran = execute([program, *argv[1:]], box.env, Path(box.cwd), check.timeout, what)
        if ran.status == 0:
            return f"{what} healthy after {time.monotonic() - started:.0f}s"
        if not alive():
            break
        time.sleep(1.0)
    raise Problem(
        f"the {box.service} service never became healthy: its {what} exited "
        f"{ran.status}" + (f":\n{tail(ran.output, 15)}" if ran.output.strip() else "")
    )


def start_code(box: Container) -> str:
    """The shell line that starts the service: its folder, its environment and nothing else."""
    assignments = [f"{key}={value}" for key, value in box.env.items()]
    return (
        f"cd -- {shlex.quote(box.cwd)} && exec {shlex.join(['env', '-i', *assignments, *box.argv])}"
    )


def running(folder: Path) -> dict[str, Container]:
    """The services ``compose up`` started and ``compose down`` has not stopped."""
    path = folder / "compose.json"
    data: dict[str, dict[str, object]] = json.loads(path.read_text()) if path.is_file() else {}
    return {name: Container(**value) for name, value in data.items()}  # type: ignore[arg-type]


def save_running(folder: Path, services: dict[str, Container]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {name: asdict(box) for name, box in services.items()}
    (folder / "compose.json").write_text(json.dumps(data, indent=2))


def _names_host(value: str, host: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("redis", "rediss") and parts.hostname == host


def _gunicorn_bind(box: Container) -> str:
    """Where gunicorn binds inside the container: its --bind, else its config file's."""
    args = box.argv[1:]
    for index, arg in enumerate(args):
        if arg in ("-b", "--bind") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--bind="):
            return arg.split("=", 1)[1]
    config = "gunicorn.conf.py"
    for index, arg in enumerate(args):
        if arg in ("-c", "--config") and index + 1 < len(args):
            config = args[index + 1]
        elif arg.startswith("--config="):
            config = arg.split("=", 1)[1]
    python = str(Path(box.argv[0]).with_name("python"))
    if not (Path(box.cwd) / config).is_file() or not Path(python).exists():
        return ""
    ran = execute([python, "-c", _BIND, config], box.env, Path(box.cwd), 30, "gunicorn's config")
    return ran.output.strip().splitlines()[-1] if ran.status == 0 and ran.output.strip() else ""
