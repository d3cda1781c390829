"""``python -m handbook.bench``: what the engine itself costs, measured, not guessed.

Measures, on this machine:

- reading the pages: every chapter's macros rendered, includes expanded, blocks found;
- an output check: a 3000-line output against a block with wildcards, that does not fit;
- a block: a trivial command through the terminal (restore state, run, save state);
- a service: start ``python -m http.server`` in the background, probe it, stop it;
- a database: start the PostgreSQL provider, create and drop a chapter's database;
- a block through the whole plugin, beside byexample on the same examples
  (``handbook/bench_pages.py``);

and lists each chapter's last wall time from ``build/verification.json``. With ``--nox``,
also whole verifications: forced, with nothing changed, with one page edited
(``handbook/bench_nox.py``, about ten minutes). Results go to stdout and
``build/bench.json``.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from handbook.bench_nox import timed_runs
from handbook.bench_pages import BLOCKS, per_block
from handbook.chapter import load_chapter
from handbook.config import snippet_config
from handbook.database import Server, chapter_database, start_server
from handbook.output import matches
from handbook.report import read_report, report_path
from handbook.service import Probe, Services
from handbook.terminal import Terminal
from handbook.workspace import Workspace

__all__ = ["main"]

ROUNDS = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m handbook.bench", description=__doc__)
    parser.add_argument(
        "--nox", action="store_true", help="also time whole verifications (handbook/bench_nox.py)"
    )
    args = parser.parse_args(argv)
    root = Path.cwd()
    results: dict[str, object] = {"rounds": ROUNDS}
    results["read_pages_ms"] = _timed(lambda: _read_pages(root), rounds=5)
    results["output_check_ms"] = _timed(_output_check, rounds=5)
    workspace = Workspace("bench")
    try:
        terminal = Terminal(workspace)
        results["block_ms"] = _timed(lambda: terminal.run("true\n", timeout=10))
        results["service_ms"] = _timed(lambda: _service(terminal), rounds=5)
    finally:
        workspace.remove()
    started = time.perf_counter()
    with start_server() as server:
        results["database_provider"] = server.provider
        results["database_start_ms"] = round((time.perf_counter() - started) * 1000, 1)
        results["database_create_drop_ms"] = _timed(lambda: _database(server), rounds=5)
    results["page_block_ms"] = per_block(root)
    runs = read_report(report_path(root))["runs"]
    results["chapters_s"] = {key: run["duration"] for key, run in runs.items()}
    if args.nox:
        results["nox_s"] = timed_runs(root)
    _print(results)
    path = root / "build" / "bench.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _timed(action: Callable[[], object], rounds: int = ROUNDS) -> dict[str, float]:
    """Median and worst of ``rounds`` runs, in milliseconds."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median": round(statistics.median(samples), 1), "max": round(max(samples), 1)}


def _read_pages(root: Path) -> None:
    config = snippet_config(root)
    for page in sorted((root / "docs").glob("*.md")):
        load_chapter(page.relative_to(root), root, config)


def _output_check() -> None:
    expected = "...\nline ...\n...\nother ...\n...\nthird ...\n...\nEND"
    actual = "\n".join(f"line {i}" if i % 3 else f"other {i}" for i in range(3000))
    assert not matches(expected, actual)


def _service(terminal: Terminal) -> None:
    port = _free_port()
    services = Services(terminal)
    try:
        code = f"python3 -m http.server {port} --bind 127.0.0.1\n"
        services.start("http.server", "bench", code, Probe(port=port), deadline=10)
    finally:
        services.stop_all()


def _database(server: Server) -> None:
    with chapter_database(server, "bench"):
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _print(results: dict[str, object]) -> None:
    print(f"{'measure':<28} {'median ms':>10} {'max ms':>10}")
    measures = ("read_pages_ms", "output_check_ms", "block_ms", "service_ms")
    for key in (*measures, "database_create_drop_ms"):
        value = results[key]
        assert isinstance(value, dict)
        print(f"{key.removesuffix('_ms'):<28} {value['median']:>10} {value['max']:>10}")
    print(f"{'database start':<28} {results['database_start_ms']:>10}")
    page = results["page_block_ms"]
    assert isinstance(page, dict)
    print(f"\na block of a page of {BLOCKS} (byexample: {BLOCKS * 10}), start-up taken out (ms):")
    print(f"  through the plugin {page['plugin_ms']}, through byexample {page['byexample_ms']}")
    if page["ratio"] is not None:
        print(f"  the plugin costs {page['ratio']}x byexample's")
    chapters = results["chapters_s"]
    assert isinstance(chapters, dict)
    if chapters:
        print("\nchapter wall time (s), from build/verification.json:")
        for key, seconds in chapters.items():
            print(f"  {key:<34} {seconds:>8}")
    runs = results.get("nox_s")
    if isinstance(runs, dict):
        print("\nscript/test (plain nox's sessions, two at a time), in a copy (s):")
        for name, run in runs.items():
            print(
                f"  {name.replace('_', ' '):<34} {run['seconds']:>8}  {', '.join(run['sessions'])}"
            )


if __name__ == "__main__":
    sys.exit(main())
