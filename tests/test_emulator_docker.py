"""The docker emulator: what it checks without a daemon, and the causes it names.

Most tests change one thing in a small project shaped like the sample project
(``tests/fixtures/docker/project``) and run the checks that need no build, which take
a second. Two run a throwaway chapter through the engine with an image that needs no
pip install. The full build (pip, collectstatic, gunicorn, PostgreSQL) is proved by the
Docker chapter itself: ``nox -s docker``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, cast

import pytest

from handbook.block import Block
from handbook.daemon import docker_available
from handbook.directive import Directive, Kind
from handbook.emulators import docker
from handbook.emulators.docker.cli import parse_call
from handbook.emulators.docker.commands import HANDLERS
from handbook.emulators.docker.context import Context
from handbook.emulators.docker.dockerfile import seconds
from handbook.emulators.docker.steps import StepKind, split_run
from handbook.errors import Problem
from handbook.failure import Failure
from handbook.fresh import fresh_path
from handbook.needs import NEEDS
from handbook.source import Line
from tests.chapters import ENGINE_ROOT, FIXTURES, Handbook, exact, free_port, port_open

if TYPE_CHECKING:
    from handbook.emulators.docker.state import State
    from handbook.run import ChapterRun

PROJECT = FIXTURES / "docker" / "project"
no_daemon = pytest.mark.skipif(
    docker_available(), reason="a Docker daemon answers: docker blocks run for real"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the small project, to change."""
    target = tmp_path / "project"
    shutil.copytree(PROJECT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new))


def problem(folder: Path) -> str:
    """The message of the check that fails."""
    with pytest.raises(docker.Problem) as raised:
        docker.check(folder)
    return str(raised.value)


def test_the_sample_project_passes_every_check_that_needs_no_build() -> None:
    """The chapter's image and stack: if this fails, the Docker chapter fails too."""
    notes = docker.check(ENGINE_ROOT / "sample_project")
    assert "hadolint clean" in notes
    assert any(note.startswith(".env.example agrees with docker-compose.yml") for note in notes)


def test_a_good_project_passes_every_check(project: Path) -> None:
    """The baseline the other tests break one thing of."""
    assert docker.check(project) == [
        "hadolint clean",
        ".dockerignore keeps .env, .git and virtualenvs out",
        "every COPY source is in the build context",
        "the CMD's gunicorn is installed and its WSGI module myproject.wsgi is in the image",
        "docker-compose.yml valid against the Compose Specification",
        ".env.example agrees with docker-compose.yml (POSTGRES_USER, POSTGRES_PASSWORD, "
        "POSTGRES_DB, 2 DATABASE_URLs)",
    ]


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("gunicorn.conf.py", '"myproject.wsgi:application"', '"myproject.wsgy:application"'),
        ("Dockerfile", '"gunicorn.conf.py"]', '"gunicorn.conf.py", "myproject.wsgy:application"]'),
    ],
    ids=["wsgi_app in gunicorn.conf.py", "module in the CMD"],
)
def test_a_cmd_whose_wsgi_module_is_missing_fails_naming_the_module(
    project: Path, file: str, old: str, new: str
) -> None:
    """Breaking the CMD is caught before the build, not when the first worker boots."""
    edit(project / file, old, new)
    message = problem(project)
    assert message.startswith("Dockerfile:21: the CMD's WSGI module myproject.wsgy is not in")
    assert "there is no myproject/wsgy.py in the build context" in message


def test_a_cmd_whose_config_file_is_left_out_fails_naming_the_file(project: Path) -> None:
    """gunicorn.conf.py in .dockerignore: gunicorn would start with no application."""
    (project / ".dockerignore").write_text((project / ".dockerignore").read_text() + "*.conf.py\n")
    assert "gunicorn reads its application from gunicorn.conf.py, which is not in" in problem(
        project
    )


def test_requirements_without_gunicorn_fail_naming_gunicorn(project: Path) -> None:
    """The short version's mistake: the CMD runs a program nothing installs."""
    (project / "requirements.txt").write_text("django==5.2.19\n")
    assert problem(project) == (
        "Dockerfile:21: the CMD runs gunicorn, but nothing the Dockerfile installs provides "
        "it (it installs requirements.txt), so the container would stop at once with "
        "'gunicorn: not found'. Add gunicorn to those requirements, or fix the CMD"
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "docker-compose.yml",
            "POSTGRES_USER: ${POSTGRES_USER}",
            "POSTGRES_USER: user",
            ".env.example's POSTGRES_USER and the db service's POSTGRES_USER in "
            "docker-compose.yml differ ('app' and 'user')",
        ),
        (
            ".env.example",
            "# DATABASE_URL=postgresql://app:change-me@",
            "# DATABASE_URL=postgresql://app:secret@",
            ".env.example's DATABASE_URL has a different database password than "
            "POSTGRES_PASSWORD in .env.example",
        ),
        (
            "docker-compose.yml",
            "@db:5432/",
            "@127.0.0.1:5432/",
            "the web service's DATABASE_URL points at 127.0.0.1:5432, not at the db service",
        ),
        (
            ".env.example",
            "POSTGRES_PASSWORD=change-me",
            "POSTGRES_PASSWORD=p@ss",
            "POSTGRES_PASSWORD in .env.example has characters a URL must encode",
        ),
        (
            ".env.example",
            "POSTGRES_DB=shop\n",
            "",
            ".env.example does not give the compose file what it needs: docker-compose.yml "
            "uses POSTGRES_DB",
        ),
    ],
    ids=["db user", "shown DATABASE_URL", "web's host", "password in a URL", "missing"],
)
def test_env_example_that_disagrees_with_compose_fails_naming_the_cause(
    project: Path, file: str, old: str, new: str, expected: str
) -> None:
    """One source of truth: .env.example, compose's db and every DATABASE_URL agree."""
    edit(project / file, old, new)
    assert problem(project).startswith(expected)


def test_a_missing_copy_source_fails_naming_the_source(project: Path) -> None:
    """A COPY of a file that is not there fails the build at that line."""
    edit(project / "Dockerfile", "COPY requirements.txt", "COPY requirements/base.txt")
    assert problem(project) == (
        "Dockerfile:8: COPY requirements/base.txt fails: there is no requirements/base.txt "
        "in the build context (project/)"
    )


def test_a_copy_source_left_out_by_dockerignore_fails_saying_so(project: Path) -> None:
    """The file exists, but the build never sees it."""
    (project / ".dockerignore").write_text("requirements.txt\n.env\n.git\n.venv\nvenv\n")
    assert problem(project).startswith(
        "Dockerfile:8: COPY requirements.txt fails: .dockerignore leaves requirements.txt out"
    )


@pytest.mark.parametrize(
    ("entry", "named"), [(".env\n", ".env (it holds the secrets"), (".git\n", ".git (")]
)
def test_a_dockerignore_that_lets_secrets_in_fails_naming_them(
    project: Path, entry: str, named: str
) -> None:
    """`COPY . .` would bake them into every image anyone can pull."""
    edit(project / ".dockerignore", entry, "")
    message = problem(project)
    assert message.startswith(".dockerignore lets into the image: ")
    assert named in message


def test_a_virtualenv_in_the_build_context_fails_naming_its_folder(project: Path) -> None:
    """A virtualenv under another name than .venv or venv is found by its pyvenv.cfg."""
    (project / "env").mkdir()
    (project / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert "env/ (a virtualenv of this machine" in problem(project)


def test_an_obsolete_version_key_fails(project: Path) -> None:
    """Compose warns that `version` is obsolete; the handbook's file has none."""
    path = project / "docker-compose.yml"
    path.write_text('version: "3.9"\n' + path.read_text())
    assert problem(project).startswith("docker-compose.yml has a `version:` key, which is obsolete")


def test_a_compose_file_off_the_specification_fails(project: Path) -> None:
    """The Compose Specification's schema, as check-jsonschema ships it."""
    edit(project / "docker-compose.yml", "    ports:\n", "    portz:\n")
    message = problem(project)
    assert message.startswith("docker-compose.yml does not follow the Compose Specification:")
    assert "portz" in message


def test_hadolint_findings_fail_naming_the_rule(project: Path) -> None:
    """hadolint runs on the Dockerfile and its findings are the message."""
    edit(project / "Dockerfile", "WORKDIR /app\n", "RUN cd /tmp && touch x\nWORKDIR /app\n")
    message = problem(project)
    assert message.startswith("hadolint finds problems in Dockerfile:")
    assert "DL3003" in message


def test_run_steps_are_told_apart() -> None:
    """The base image's business is not run; venv, pip and portable steps are."""
    steps = split_run(
        "apt-get update && rm -rf /var/lib/apt/lists/* && python -m venv /opt/venv"
        " && /opt/venv/bin/pip install -r /tmp/r.txt gunicorn"
        ' && SECRET_KEY=x python manage.py collectstatic --noinput && echo "a && b"'
    )
    assert [step.kind for step in steps] == [
        StepKind.SYSTEM,
        StepKind.SYSTEM,
        StepKind.VENV,
        StepKind.PIP,
        StepKind.PORTABLE,
        StepKind.PORTABLE,
    ]
    assert steps[3].requirement_files() == ["/tmp/r.txt"]
    assert steps[3].requirements() == ["gunicorn"]
    assert steps[4].assignments == {"SECRET_KEY": "x"}
    assert steps[5].text == 'echo "a && b"'


def test_copy_puts_files_where_docker_does(project: Path) -> None:
    """`COPY . .` copies the filtered context into WORKDIR; a file to a path is that path."""
    context = Context.read(project, project / "Dockerfile")
    everything = {str(c.target) for c in context.plan(["."], ".", "/app", "x")}
    assert "/app/myproject/wsgi.py" in everything
    assert "/app/Dockerfile" not in everything  # .dockerignore lists it
    one = context.plan(["requirements.txt"], "/tmp/requirements.txt", "/app", "x")
    assert [c.target for c in one] == [PurePosixPath("/tmp/requirements.txt")]
    into = context.plan(["requirements.txt"], "deps/", "/app", "x")
    assert [c.target for c in into] == [PurePosixPath("/app/deps/requirements.txt")]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("docker push django-app:1.0.0", "`docker push` is not emulated"),
        ("docker compose logs -f web", "the option -f is not emulated"),
        ("docker build -t app:$VERSION .", "shell operators or variables"),
        ("docker compose up -d && curl localhost", "shell operators or variables"),
    ],
)
def test_a_docker_command_that_cannot_be_emulated_fails_before_anything_runs(
    line: str, reason: str
) -> None:
    """The failure names the page's line; nothing of the block (or the run) is touched."""
    block = Block(
        chapter=Path("docs/docker.md"),
        line=40,
        end_line=43,
        language="bash",
        lines=(Line("cp .env.example .env", 41), Line(line, 42)),
        directive=Directive(Kind.RUN, {"emulate": "docker"}),
    )
    with pytest.raises(Failure) as raised:
        docker.emulate(cast("ChapterRun", None), block)
    message = str(raised.value)
    assert message.startswith("docs/docker.md:42: this docker command cannot be emulated")
    assert reason in message
    assert f"  >   42 | {line}" in message


def test_compose_up_in_the_foreground_is_refused() -> None:
    """Without -d, compose up never returns: the block would only time out."""
    call = parse_call("docker compose up --build")
    with pytest.raises(docker.Problem, match="without -d, compose up stays in the foreground"):
        HANDLERS[call.command](cast("State", None), call)


TINY_PROJECT = """
extra:
  project:
    repository: https://example.com/team/tiny.git
"""


def tiny_chapter(handbook: Handbook, port: int, dockerfile_cmd: str | None = None) -> None:
    """The tiny project as the project the chapter clones, on ``port``."""
    target = handbook.root / "sample_project"
    shutil.copytree(FIXTURES / "docker" / "tiny", target)
    mkdocs = handbook.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + TINY_PROJECT)
    for path in target.iterdir():
        path.write_text(path.read_text().replace("@PORT@", str(port)))
    if dockerfile_cmd is not None:
        edit(target / "Dockerfile", 'CMD ["python", "server.py"]', dockerfile_cmd)
    handbook.chapter_from("docker/tiny", "tiny", port=port)


@no_daemon
def test_an_emulated_image_serves_until_compose_down(handbook: Handbook) -> None:
    """Build, up with the HEALTHCHECK, a real request, ps, logs, down: the port is free."""
    port = free_port()
    tiny_chapter(handbook, port)

    result = handbook.run("docs/tiny.md")

    result.assert_outcomes(passed=5)
    assert not port_open(port)
    blocks = handbook.report()["runs"]["tiny"]["blocks"][1:]  # after the clone
    assert [block["status"] for block in blocks] == ["emulated", "passed", "passed", "emulated"]
    up, down = blocks[0]["reason"], blocks[3]["reason"]
    assert "tiny:1.0 built in a virtualenv on Python 3.12" in up
    assert "tiny:local built in a virtualenv on Python 3.12, reused as Docker's cache" in up
    assert "web started (python server.py)" in up
    assert "HEALTHCHECK healthy after" in up
    assert "running: web Up (healthy)" in down
    assert "stopped: web" in down


@no_daemon
def test_a_container_that_exits_at_once_fails_with_its_status_and_log(
    handbook: Handbook,
) -> None:
    """compose up names the service, its exit status and the tail of its log."""
    port = free_port()
    tiny_chapter(handbook, port, 'CMD ["python", "-c", "raise SystemExit(\'no config\')"]')
    up = handbook.line_of("tiny", "docker compose up")

    result = handbook.run("docs/tiny.md")

    result.assert_outcomes(passed=1, failed=1, skipped=3)
    result.stdout.fnmatch_lines(
        [
            f"docs/tiny.md:{up}: `docker compose up --build -d --wait` (emulated: no Docker "
            "daemon): the web service did not start: web exited with status 1 before "
            f"127.0.0.1:{port} to accept connections",
            f"  >   {up} | docker compose up --build -d --wait",
            f"--- web (docs/tiny.md:{up}) log ---",
            "no config",
        ]
    )


REDIS_SERVICE = """
  cache:
    image: redis:8-alpine
    command: ["redis-server", "--save", ""]
"""
# Passes only if CACHE_URL names a server that answers: the stand-in, not the host "cache".
REACHES_REDIS = (
    "import os, socket, urllib.parse as u; p = u.urlsplit(os.environ['CACHE_URL']); "
    "socket.create_connection((p.hostname, p.port), 2)"
)


def with_redis(handbook: Handbook, healthcheck: str) -> None:
    """The tiny project's web service given a Redis and a health check of compose's."""
    compose = handbook.root / "sample_project" / "docker-compose.yml"
    edit(compose, "services:\n", f"services:{REDIS_SERVICE}")
    edit(
        compose,
        "    environment:\n",
        "    depends_on: [cache]\n"
        f"    healthcheck:\n      test: {healthcheck}\n      timeout: 2s\n      retries: 1\n"
        "    environment:\n      CACHE_URL: redis://cache:6379/1\n",
    )


@no_daemon
def test_a_redis_service_is_stood_in_for_by_a_redis_server_of_the_chapter(
    handbook: Handbook,
) -> None:
    """The redis:// URLs naming it point at the stand-in; compose's health check runs."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (sudo apt install redis-server)")
    port = free_port()
    tiny_chapter(handbook, port)
    with_redis(handbook, f'["CMD", "python", "-c", "{REACHES_REDIS}"]')

    result = handbook.run("docs/tiny.md")

    result.assert_outcomes(passed=5)
    blocks = handbook.report()["runs"]["tiny"]["blocks"][1:]
    up, down = blocks[0]["reason"], blocks[3]["reason"]
    assert "cache started: redis-server at 127.0.0.1:" in up
    assert "cache stood in for by redis-server at 127.0.0.1:" in up
    assert ": CACHE_URL" in up
    assert "compose healthcheck healthy after" in up
    assert "running: cache Up (redis-server at 127.0.0.1:" in down
    assert "stopped: cache, web" in down


@no_daemon
@pytest.mark.parametrize("how", ["locally", "--require-all"])
def test_a_redis_stand_in_on_a_machine_without_redis_is_a_missing_need(
    handbook: Handbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The emulation needs redis-server where Docker would not: the rest of the page is
    not proved here, as for a block's own needs=redis (before: a failure to install)."""
    monkeypatch.setenv("PATH", fresh_path(tmp_path / "fresh", os.environ["PATH"]))
    monkeypatch.delenv("CI", raising=False)
    tiny_chapter(handbook, free_port())
    with_redis(handbook, f'["CMD", "python", "-c", "{REACHES_REDIS}"]')
    up = handbook.line_of("tiny", "docker compose up") - 3  # the block's first line
    reason = (
        f"the block at docs/tiny.md:{up} (the cache service's stand-in, without a Docker "
        f"daemon) needs redis, {NEEDS['redis'].what} ({NEEDS['redis'].install()})"
    )

    result = handbook.run("docs/tiny.md", *([how] if how.startswith("--") else []))

    if how == "locally":
        result.assert_outcomes(passed=1, skipped=4)
        assert handbook.report()["runs"]["tiny"]["status"] == "not proved"
        result.stdout.fnmatch_lines([exact(f"tiny: 4 blocks not proved here: {reason}")])
    else:
        result.assert_outcomes(passed=1, failed=1, skipped=3)
        said = reason.replace(f"the block at docs/tiny.md:{up} ", f"docs/tiny.md:{up}: the block ")
        result.stdout.fnmatch_lines([exact(f"{said}, and this machine lacks it")])


@no_daemon
def test_a_compose_health_check_replaces_the_images(handbook: Handbook) -> None:
    """The image's HEALTHCHECK would pass; compose's own fails, so up fails."""
    port = free_port()
    tiny_chapter(handbook, port)
    compose = handbook.root / "sample_project" / "docker-compose.yml"
    edit(
        compose,
        "    ports:\n",
        '    healthcheck:\n      test: ["CMD", "python", "-c", "raise SystemExit(3)"]\n'
        "      timeout: 1s\n      retries: 1\n    ports:\n",
    )

    result = handbook.run("docs/tiny.md")

    result.assert_outcomes(passed=1, failed=1, skipped=3)
    result.stdout.fnmatch_lines(
        ["*the web service never became healthy: its compose healthcheck exited 3*"]
    )


def test_a_duration_reads_as_docker_reads_it_in_a_dockerfile_and_in_compose() -> None:
    """One reader of Docker's durations (HEALTHCHECK's flags, compose's healthcheck)."""
    assert seconds("1m30s") == 90.0
    assert seconds("500ms") == 0.5
    assert seconds("1h") == 3600.0
    with pytest.raises(Problem, match=r"cannot read the duration '30 seconds'"):
        seconds("30 seconds")
