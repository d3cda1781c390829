"""Entry points: one session per chapter, and `nox` alone verifies the whole handbook.

nox -l                      list the sessions
nox                         lint, engine tests, every chapter, then the site
nox -s setup                one chapter (here on every Python the handbook supports)
nox -s database -- --update rewrite the chapter's output blocks from what ran
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")
# The engine runs on 3.12: pgserver (embedded PostgreSQL) has no wheels for 3.13 yet.
ENGINE_PYTHON = "3.12"
# The Pythons a reader may have; the setup chapter is proved on each.
READER_PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# Chapters in reading order: slug = docs/<slug>.md = session name. The setup chapter
# has a session of its own below, run once per reader Python.
CHAPTERS = {
    "index": "the home page and onboarding path",
    "prerequisites": "the tools a new machine needs",
    "setup": "project setup",
    "git": "the branch model, releases and hotfixes",
    "contributing": "the guide to writing a chapter",
}

# Material prints a banner about MkDocs 2 on every build; we read it once.
_QUIET_MKDOCS = {"NO_MKDOCS_2_WARNING": "1"}

nox.options.sessions = ["lint", "engine", *CHAPTERS, "docs"]


def _install(session: nox.Session, group: str) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, group))


def _verify(session: nox.Session, slug: str, *args: str) -> None:
    _install(session, "engine")
    session.run("pytest", f"docs/{slug}.md", "-v", *args, *session.posargs)


@nox.session(python=ENGINE_PYTHON)
def lint(session: nox.Session) -> None:
    """Format, lint and type-check the engine, its tests and this file."""
    _install(session, "lint")
    session.run("ruff", "format", "--check", "handbook", "tests", "noxfile.py")
    session.run("ruff", "check", "handbook", "tests", "noxfile.py")
    session.run("mypy")


@nox.session(python=ENGINE_PYTHON)
def engine(session: nox.Session) -> None:
    """Run the engine's own tests (fixture chapters through pytester)."""
    _install(session, "engine")
    _install(session, "docs")
    session.run("pytest", "tests", *session.posargs)


@nox.session(python=ENGINE_PYTHON)
@nox.parametrize("reader", READER_PYTHONS)
def setup(session: nox.Session, reader: str) -> None:
    """Verify docs/setup.md: project setup, on every supported Python."""
    _verify(session, "setup", "--reader-python", reader)


def _chapter_session(slug: str, summary: str) -> None:
    def chapter(session: nox.Session) -> None:
        _verify(session, slug)

    chapter.__doc__ = f"Verify docs/{slug}.md: {summary}."
    chapter.__name__ = slug
    nox.session(python=ENGINE_PYTHON, name=slug)(chapter)


for _slug, _summary in CHAPTERS.items():
    if _slug != "setup":
        _chapter_session(_slug, _summary)


@nox.session(python=ENGINE_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site strictly into site/ (warnings fail), with the latest report."""
    _install(session, "docs")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=_QUIET_MKDOCS)


@nox.session(python=ENGINE_PYTHON, default=False)
def serve(session: nox.Session) -> None:
    """Serve the handbook with live reload at http://127.0.0.1:8000."""
    _install(session, "docs")
    session.run(
        "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *session.posargs, env=_QUIET_MKDOCS
    )
