"""A block's cost through the whole plugin, beside byexample's on the same examples.

A page of ``echo`` commands, each followed by its output, runs through pytest with the
handbook's plugin (the path every chapter takes: collection, directives, the reader's
terminal, the output check, the report), and the same examples run through byexample,
which keeps one shell open. Each tool's start-up is taken out: the cost of a block is
``(time for N blocks - time for 1 block) / (N - 1)``, with N = 200 through the plugin
and 2000 through byexample, whose blocks are too cheap to see beside its start-up's
jitter with fewer.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["BLOCKS", "per_block"]

BLOCKS = 200
_ROUNDS = 3
_PYPROJECT = """\
[tool.pytest.ini_options]
filterwarnings = ["ignore:This process .* is multi-threaded, use of fork:DeprecationWarning"]
"""
_MKDOCS = "site_name: bench\nmarkdown_extensions:\n  - pymdownx.superfences\n"


def per_block(engine: Path) -> dict[str, float | None]:
    """Milliseconds a block costs through the plugin, through byexample (None where it
    is not installed), and their ratio."""
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text(_PYPROJECT)
        (root / "mkdocs.yml").write_text(_MKDOCS)
        (root / "docs").mkdir()
        ours = _cost(lambda count: _plugin(root, engine, count), BLOCKS)
        byexample = shutil.which("byexample")
        theirs = None
        if byexample is not None:
            # Ten times the examples: its blocks cost less than its start-up's jitter.
            theirs = _cost(lambda count: _byexample(root, byexample, count), BLOCKS * 10)
    ratio = round(ours / theirs, 1) if theirs else None
    return {"plugin_ms": ours, "byexample_ms": theirs, "ratio": ratio}


def _cost(run: Callable[[int], None], blocks: int) -> float:
    few = statistics.median(_seconds(run, 1) for _ in range(_ROUNDS))
    many = statistics.median(_seconds(run, blocks) for _ in range(_ROUNDS))
    return round((many - few) / (blocks - 1) * 1000, 2)


def _seconds(run: Callable[[int], None], count: int) -> float:
    started = time.perf_counter()
    run(count)
    return time.perf_counter() - started


def _plugin(root: Path, engine: Path, count: int) -> None:
    page = "\n".join(
        f"```bash\necho line {n}\n```\n\n<!-- handbook: output -->\n```text\nline {n}\n```\n"
        for n in range(count)
    )
    (root / "docs" / "bench.md").write_text(f"# Bench\n\n{page}")
    env = {**os.environ, "PYTHONPATH": str(engine)}
    command = [sys.executable, "-m", "pytest", "-p", "handbook.plugin", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, "-q", "docs/bench.md"], cwd=root, env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]


def _byexample(root: Path, byexample: str, count: int) -> None:
    page = "\n".join(f"```shell\n$ echo line {n}\nline {n}\n```\n" for n in range(count))
    (root / "byexample.md").write_text(page)
    done = subprocess.run(
        [byexample, "-l", "shell", "-q", "byexample.md"], cwd=root, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
