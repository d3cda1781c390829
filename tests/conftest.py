"""The engine's tests: throwaway chapters run by the engine, see ``chapters.py``."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.chapters import Handbook, engine_pythonpath


def pytest_configure(config: pytest.Config) -> None:
    # The tests press Ctrl-C as a reader does. Started with it ignored (sh starts its
    # background commands so), every verification they start would inherit that.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.addinivalue_line("markers", "database: needs PostgreSQL (127.0.0.1:5432 or pgserver)")
    config.addinivalue_line("markers", "slow: takes more than a few seconds (installs packages)")
    config.addinivalue_line(
        "markers",
        "pages: reads the handbook's own pages (docs/*.md); run by the docs session, not the "
        "engine's, whose reuse does not hash the pages (handbook/proofs.py)",
    )


@pytest.fixture(scope="session")
def bytecode_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the test subprocesses keep compiled modules: each would compile them again."""
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture
def handbook(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, bytecode_cache: Path
) -> Handbook:
    """An empty handbook repository; the engine under test is importable in subprocesses."""
    monkeypatch.setenv("PYTHONPATH", engine_pythonpath())
    # Subprocesses start in a fraction of the time with bytecode cached outside the tree
    # (the reader's terminal is unaffected: the engine gives it an environment of its own).
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(bytecode_cache))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return Handbook.create(pytester)
