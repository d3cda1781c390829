"""The built site, served on loopback, and Debian's chromium driven by Playwright.

Three sites: site/ as the site session built it (no publishing variables), the same
pages built with them (`published_url`), and two releases deployed by mike to a
gh-pages branch of a temporary repository (`versioned_url`). Every page fixture
aborts requests to any host but loopback, and fails the test that made one.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from handbook.workspace import copy_as_cloned

# As this machine's probe starts it: no sandbox as root, and no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What pages.yml sets. The site's address is on a reserved domain that never resolves;
# the repository is on github.com, as published, where Material's own source link would
# ask the GitHub API for stars and forks (overrides/partials/source.html stops that, and
# the page fixture fails a test that makes any request off loopback). Links are checked,
# never followed.
PUBLISHED = {
    "HANDBOOK_SITE_URL": "https://example.invalid/site/",
    "HANDBOOK_REPO_URL": "https://github.com/example/handbook",
    "HANDBOOK_REPO_NAME": "example/handbook",
    "HANDBOOK_EDIT_URI": "edit/main/docs/",
}
VERSIONED = {**PUBLISHED, "HANDBOOK_VERSION_PROVIDER": "mike"}
# Two releases, as pages.yml deploys them: each moves `latest` to itself. Each one's
# home page ends with a line naming it, so a test can tell which one a URL serves.
RELEASES = ("0.1", "0.2")
RELEASE_LINE = "Deployed by the site tests as release {}."
_OFFSITE = re.compile(r"^[a-z]+://(?!127\.0\.0\.1[:/])")
# The temporary repository's commits: no user configuration, a fixed identity.
_GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "handbook",
    "GIT_AUTHOR_EMAIL": "handbook@example.invalid",
    "GIT_COMMITTER_NAME": "handbook",
    "GIT_COMMITTER_EMAIL": "handbook@example.invalid",
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output for the tests."""


@contextlib.contextmanager
def _serve(folder: Path) -> Iterator[str]:
    """Serve a folder on a free loopback port, in this process: it stops with the tests."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _run(command: list[str], cwd: Path, env: Mapping[str, str]) -> bytes:
    """Run a command; on failure, fail the test with what it printed."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    if done.returncode:
        output = (done.stdout + done.stderr).decode(errors="replace")[-4000:]
        pytest.fail(f"{' '.join(command)} exited {done.returncode}:\n{output}", pytrace=False)
    return done.stdout


def _build_env(project: Path, variables: Mapping[str, str]) -> dict[str, str]:
    """mkdocs' environment: this venv's tools first, then `variables`."""
    env = {k: v for k, v in os.environ.items() if k not in VERSIONED}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env | {"NO_MKDOCS_2_WARNING": "1", **variables}


@pytest.fixture(scope="session")
def site_dir(pytestconfig: pytest.Config) -> Path:
    built = pytestconfig.rootpath / "site"
    if not (built / "index.html").exists():
        pytest.fail("no built site in site/: run `nox -s docs` first", pytrace=False)
    return built


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    with _serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def publishing() -> dict[str, str]:
    """The publishing variables the published and versioned sites are built with."""
    return dict(PUBLISHED)


@pytest.fixture(scope="session")
def published_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """The site built with pages.yml's variables, served from a temporary folder."""
    root = pytestconfig.rootpath
    with tempfile.TemporaryDirectory(prefix="handbook-published-") as folder:
        build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
        _run([*build, "--site-dir", folder], root, _build_env(root, PUBLISHED))
        with _serve(Path(folder)) as url:
            yield url


@pytest.fixture(scope="session")
def versioned_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """Two releases deployed by mike as pages.yml does, and the gh-pages branch served.

    The repository is a temporary one, holding the working tree as a clone has it: the
    handbook's own tree and branches are never written to. Removed whatever happens.
    """
    with tempfile.TemporaryDirectory(prefix="handbook-mike-") as folder:
        repository, pages = Path(folder) / "repository", Path(folder) / "pages"
        copy_as_cloned(pytestconfig.rootpath, repository)
        _git(repository, "init", "--quiet", "--initial-branch", "main")
        _deploy_releases(repository)
        archive = _git(repository, "archive", "gh-pages")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(pages, filter="data")  # keeps the `latest` symlink
        with _serve(pages) as url:
            yield url


def _git(repository: Path, *args: str) -> bytes:
    return _run(["git", *args], repository, _build_env(repository, _GIT_ENV))


def _deploy_releases(repository: Path) -> None:
    """Commit a release, deploy it with mike as pages.yml does; twice. Then the default."""
    mike = Path(sys.executable).parent / "mike"
    if not mike.exists():
        pytest.fail("mike is not installed: it is in pyproject's docs group", pytrace=False)
    env = _build_env(repository, _GIT_ENV | VERSIONED)
    home = repository / "docs" / "index.md"
    text = home.read_text()
    for version in RELEASES:
        home.write_text(f"{text}\n{RELEASE_LINE.format(version)}\n")
        _git(repository, "add", "--all")
        _git(repository, "commit", "--quiet", "--message", f"Release {version}")
        deploy = ["deploy", "--branch", "gh-pages", "--update-aliases", version, "latest"]
        _run([str(mike), *deploy], repository, env)
    _run([str(mike), "set-default", "--branch", "gh-pages", "latest"], repository, env)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; a request to any other host than loopback is aborted, and fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    offsite: list[str] = []

    def abort(route: Route) -> None:
        offsite.append(route.request.url)
        route.abort()

    context.route(_OFFSITE, abort)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert offsite == [], f"requests to other hosts (aborted): {offsite}"


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """The page's console errors and uncaught exceptions, as they happen."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(scope="session")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = pytestconfig.rootpath / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
