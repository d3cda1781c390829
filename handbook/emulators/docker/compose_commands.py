"""``docker compose`` commands, emulated: config, up, build, run, exec, ps, logs, down."""

from __future__ import annotations

import shlex

from handbook.emulators.docker.background import redis_address, start_redis, start_service
from handbook.emulators.docker.cli import Call
from handbook.emulators.docker.compose import Project, find_compose, load_project, validate
from handbook.emulators.docker.containers import (
    Container,
    container,
    healthy,
    run_once,
    running,
    save_running,
)
from handbook.emulators.docker.env_example import check_example
from handbook.emulators.docker.image import Image
from handbook.emulators.docker.state import State, build_checked, stored
from handbook.emulators.docker.variables import read_dotenv
from handbook.errors import Problem
from handbook.failure import tail

__all__ = [
    "compose_build",
    "compose_config",
    "compose_down",
    "compose_exec",
    "compose_logs",
    "compose_ps",
    "compose_run",
    "compose_up",
]


def compose_config(state: State, call: Call) -> list[str]:
    project, notes = _project(state, call)
    for name in project.names():
        project.environment(name)  # every env_file exists
    return notes


def compose_up(state: State, call: Call) -> list[str]:
    if not call.flag("-d", "--detach"):
        raise Problem("without -d, compose up stays in the foreground: add -d (and --wait)")
    project, notes = _project(state, call)
    return notes + _bring_up(state, project, call.args or project.names(), call.flag("--build"))


def compose_build(state: State, call: Call) -> list[str]:
    project, notes = _project(state, call)
    for name in call.args or project.names():
        if project.build(name) is not None:
            notes += _image(state, project, name, rebuild=True)[1]
    return notes


def compose_run(state: State, call: Call) -> list[str]:
    project, notes = _project(state, call)
    name, command = call.args[0], call.args[1:] or _command(project, call.args[0])
    if not call.flag("--no-deps"):
        notes += _bring_up(state, project, list(project.depends(name)), rebuild=False)
    image, built = _image(state, project, name, rebuild=False)
    url = state.desk.stand_in_database()
    box, changed = container(
        project, name, image, command, url, redis_address=_redis(state, project)
    )
    return [
        *notes,
        *built,
        *changed,
        _once(state, box, f"`{shlex.join(command or image.argv())}`"),
    ]


def compose_exec(state: State, call: Call) -> list[str]:
    name, command = call.args[0], call.args[1:]
    box = running(state.folder).get(name)
    if box is None:
        raise Problem(f"service {name!r} is not running: start it with docker compose up -d")
    image = stored(state, box.image_id)
    program = image.which(command[0], box.env)
    if program is None:
        raise Problem(f"{command[0]}: executable file not found in $PATH (of the {name} container)")
    one = Container(name, box.image_id, box.env, [program, *command[1:]], box.cwd)
    return [_once(state, one, f"`{shlex.join(command)}`")]


def compose_ps(state: State, call: Call) -> list[str]:
    project = _project(state, call, check=False)[0]
    rows = []
    for name, box in running(state.folder).items():
        service = state.desk.services.find(name)
        if service is None or not service.process.is_alive():
            status = service.process.exit_code if service else "?"
            raise Problem(f"the {name} service has exited (status {status}); see its log")
        if name == project.redis():
            rows.append(f"{name} Up (redis-server at {redis_address(box)})")
            continue
        image, check = stored(state, box.image_id), project.healthcheck(name)
        health = healthy(box, image, state.deadline, lambda: True, check)
        rows.append(f"{name} Up ({'healthy' if 'healthy' in health else 'no health check'})")
    database = project.database()
    if rows and database:
        rows.insert(0, f"{database} (the chapter's PostgreSQL)")
    return [f"running: {', '.join(rows) or 'nothing'}"]


def compose_logs(state: State, call: Call) -> list[str]:
    project, _ = _project(state, call, check=False)
    notes = []
    for name in call.args or project.names():
        project.service(name)
        service = state.desk.services.find(name)
        lines = len(service.log.read_text(errors="replace").splitlines()) if service else 0
        notes.append(f"{name}'s log: {lines} lines" if service else f"{name}: no log")
    return notes


def compose_down(state: State, call: Call) -> list[str]:
    stopped = [name for name in running(state.folder) if state.desk.services.stop(name)]
    save_running(state.folder, {})
    notes = [f"stopped: {', '.join(stopped) or 'nothing was running'}"]
    if call.flag("-v", "--volumes"):
        notes.append("volumes: the chapter's database is dropped when the chapter ends")
    return notes


def _project(state: State, call: Call, check: bool = True) -> tuple[Project, list[str]]:
    path = find_compose(state.desk.cwd(), call.values("-f", "--file"))
    dotenv = path.parent / ".env"
    variables = {**(read_dotenv(dotenv) if dotenv.is_file() else {}), **state.shell_env()}
    if not check:
        return load_project(path, variables), []
    validate(path)
    project = load_project(path, variables)
    return project, [f"{path.name} valid against the Compose Specification", check_example(path)]


def _bring_up(state: State, project: Project, names: list[str], rebuild: bool) -> list[str]:
    notes: list[str] = []
    up = running(state.folder)
    url = state.desk.stand_in_database()
    for name in project.order(names):
        if name == project.database():
            continue
        if name == project.redis():
            notes.append(_up_redis(state, project, name, up))
            continue
        image, built = _image(state, project, name, rebuild)
        command = _command(project, name)
        box, changed = container(
            project, name, image, command, url, redis_address=_redis(state, project)
        )
        notes += built + changed
        dependents = [
            o for o in project.names() if project.depends(o).get(name, "").endswith("successfully")
        ]
        if dependents:
            notes.append(_once(state, box, f"the {name} service (before {', '.join(dependents)})"))
        elif name in up and state.desk.services.find(name) is not None:
            notes.append(f"{name} already running")
        else:
            up[name], started = start_service(
                state.desk, project, box, image, where=state.where, deadline=state.deadline
            )
            save_running(state.folder, up)
            notes += started
    return notes


def _up_redis(state: State, project: Project, name: str, up: dict[str, Container]) -> str:
    if name in up and state.desk.services.find(name) is not None:
        return f"{name} already running"
    command = _command(project, name) or ["redis-server"]
    if command[0] != "redis-server":
        raise Problem(f"the {name} service runs {command[0]}, not redis-server: not emulated")
    up[name] = start_redis(
        state.desk,
        name,
        command[1:],
        state.folder,
        where=state.where,
        deadline=state.deadline,
    )
    save_running(state.folder, up)
    return (
        f"{name} started: redis-server at {redis_address(up[name])}, with the service's arguments"
    )


def _redis(state: State, project: Project) -> str | None:
    """Where the Redis stand-in listens, once compose up has started it."""
    box = running(state.folder).get(project.redis() or "")
    return redis_address(box) if box else None


def _image(state: State, project: Project, name: str, rebuild: bool) -> tuple[Image, list[str]]:
    tag, spec = project.image(name), project.build(name)
    notes: list[str] = []
    if spec is not None and (tag not in state.built) and (rebuild or state.images.get(tag) is None):
        notes = build_checked(state, spec[1], spec[0], [tag])
    image = state.images.get(tag)
    if image is None:
        raise Problem(
            f"the {name} service runs the image {tag}, which cannot be emulated: only "
            "images built here from a Dockerfile can"
        )
    return image, notes


def _once(state: State, box: Container, what: str) -> str:
    ran = run_once(box, state.deadline, what)
    if ran.status != 0:
        raise Problem(f"{what} exited with status {ran.status}:\n{tail(ran.output)}")
    last = ran.output.strip().splitlines()[-1:] or ["no output"]
    return f"{what} ran in the image, exit 0 ({last[0].strip()})"


def _command(project: Project, name: str) -> list[str] | None:
    command = project.service(name).get("command")
    return shlex.split(command) if isinstance(command, str) else command
