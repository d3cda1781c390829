"""mkdocs-macros functions: the site shows when and how each chapter was proved.

Pages call ``{{ verification_table() }}`` (the verification page) and
``{{ proof("setup") }}`` (one line under a chapter's title). Both read
``build/verification.json``; a chapter never run shows "not verified yet".
Pages name versions through handbook/versions.py's functions, registered here too.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
# mkdocs-macros loads this file by its path, and the `mkdocs` and `mike` commands do not
# put the repository on sys.path: the engine beside this file is made importable here.
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from handbook.canary import canary_path, read_canary, results  # noqa: E402
from handbook.report import last_green, read_report, report_path  # noqa: E402
from handbook.status import Status  # noqa: E402
from handbook.versions import variables  # noqa: E402

__all__ = ["REPORT_MACROS", "STALE_DAYS", "canary_summary", "define_env", "nav_pages", "table"]

REPORT_MACROS = ("proof", "verification_table", "canary_versions")
"""Macros that read the report; the engine renders them as "" (see handbook/macros.py)."""

STALE_DAYS = 14
"""A chapter not proved green for longer is marked stale on the verification page."""


def define_env(env: Any) -> None:
    """Called by mkdocs-macros: register the page functions and the versions."""
    env.variables.update(variables(_ROOT))

    @env.macro  # type: ignore[untyped-decorator]
    def verification_table() -> str:
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        canary = read_canary(canary_path(_ROOT))["lines"]
        return table(_runs(), nav_pages(env.conf["nav"]), today, canary)

    @env.macro  # type: ignore[untyped-decorator]
    def canary_versions() -> str:
        return canary_summary(read_canary(canary_path(_ROOT))["lines"])

    @env.macro  # type: ignore[untyped-decorator]
    def proof(slug: str) -> str:
        runs = [run for run in _runs().values() if run["slug"] == slug]
        if not runs:
            return f"*Not verified yet: run `nox -s {slug}`.*"
        if len(runs) == 1:
            return _proof_line(runs[0])
        return _proof_summary(runs)


def _runs() -> dict[str, Any]:
    runs: dict[str, Any] = read_report(report_path(_ROOT))["runs"]
    return runs


def nav_pages(nav: list[Any]) -> list[tuple[str, str]]:
    """(title, slug) of every page in the navigation, in reading order."""
    found: list[tuple[str, str]] = []
    for entry in nav:
        for title, target in entry.items() if isinstance(entry, dict) else []:
            if isinstance(target, list):
                found += nav_pages(target)
            elif isinstance(target, str) and target.endswith(".md"):
                found.append((title, target.removesuffix(".md")))
    return found


def table(
    runs: dict[str, Any],
    chapters: list[tuple[str, str]],
    today: str,
    canary: dict[str, Any] | None = None,
) -> str:
    """The verification table: a row per chapter run; ``canary``: build/canary.json's lines."""
    rows = [
        "| Chapter | Status | Blocks | Verified on | Date | Last green | Canary |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for title, slug in chapters:
        if slug == "verification":
            continue
        mine = [run for run in runs.values() if run["slug"] == slug]
        said = _canary(canary or {}, slug)
        if not mine:
            rows.append(f"| [{title}]({slug}.md) | not verified yet | | | | | {said} |")
        for run in mine:
            variant = f" ({run['variant']})" if run["variant"] else ""
            rows.append(
                f"| [{title}]({slug}.md){variant} | {run['status']} | {_counts(run['counts'])} "
                f"| {_versions(run['environment'])} | {run['date'][:10]} "
                f"| {_last_green(last_green(run), today)} | {said} |"
            )
            said = ""  # once per chapter, on its first row
    return "\n".join(rows)


def _canary(lines: dict[str, Any], slug: str) -> str:
    """What each canary line says of one chapter: ``lts: passes; newest: breaks at X``."""
    said = []
    for line, entry in lines.items():
        result = results(entry).get(slug)
        if result and result.startswith("breaks"):  # the page line, not what happened
            said.append(f"{line}: **{result.partition(': ')[0]}**")
        elif result:
            said.append(f"{line}: {result}")
    return "; ".join(said)


def canary_summary(lines: dict[str, Any]) -> str:
    """Per canary line: when it ran, on what, and which versions it moved from the pins."""
    if not lines:
        return "*The canary has not run here yet: `nox -s canary`.*"
    items = []
    for line, entry in lines.items():
        djangos = sorted(
            {str(run["environment"]["django"]) for run in entry["runs"].values()
             if run["environment"].get("django")}
        )  # fmt: skip
        moved = ", ".join(
            f"{name} {pinned or 'unpinned'} → {newest}"
            for name, (pinned, newest) in entry["moved"].items()
        )
        items.append(
            f"- **{line}**, {entry['date'][:10]}, Python {entry['python']}, "
            f"Django {', '.join(djangos) or 'not installed'}: {moved or 'no version moved'}."
        )
    return "\n".join(items)


def _last_green(date: str | None, today: str) -> str:
    """The day a chapter last passed, marked stale past :data:`STALE_DAYS`."""
    if not date:
        return "**never**"
    age = datetime.date.fromisoformat(today) - datetime.date.fromisoformat(date[:10])
    return f"{date[:10]} **stale**" if age.days > STALE_DAYS else date[:10]


def _counts(counts: dict[str, int]) -> str:
    ran = counts[Status.PASSED] + counts[Status.FAILED]
    parts = [f"{ran} of {sum(counts.values())} run"]
    kinds = (Status.SHOWN, Status.EMULATED, Status.NOT_RUN, Status.NOT_PROVED)
    parts += [f"{counts[kind]} {kind}" for kind in kinds if counts.get(kind)]
    return ", ".join(parts)


def _proof_line(run: dict[str, Any]) -> str:
    counts, env = run["counts"], run["environment"]
    ran = counts[Status.PASSED] + counts[Status.FAILED]
    variant = f" ({run['variant']})" if run.get("variant") else ""
    return (
        f"*{run['status'].capitalize()}{variant} {run['date'][:10]} on {_versions(env)}: "
        f"{ran} blocks run, {counts['emulated']} emulated, {counts['shown']} shown"
        f"{_not_proved(counts)} "
        "([verification](verification.md)).*"
    )


def _not_proved(counts: dict[str, int]) -> str:
    proved = counts.get(Status.NOT_PROVED)
    return f", {proved} not proved here" if proved else ""


def _proof_summary(runs: list[dict[str, Any]]) -> str:
    """One line for a chapter proved several ways (on each Python, on each database)."""
    failed = [run["variant"] or "default" for run in runs if run["status"] != Status.PASSED]
    status = f"Failed ({', '.join(failed)})" if failed else "Passed"
    envs = [run["environment"] for run in runs]
    pythons = sorted({str(env.get("python")) for env in envs if env.get("python")})
    parts = [f"Python {', '.join(pythons)}"]
    djangos = sorted({str(env["django"]) for env in envs if env.get("django")})
    if djangos:
        parts.append(f"Django {', '.join(djangos)}")
    databases = [
        name
        for name, key in (("PostgreSQL", "postgresql"), ("MariaDB", "mariadb"))
        if any(env.get(key) for env in envs)
    ]
    if any(env.get("database_provider") == "sqlite" for env in envs):
        databases.append("SQLite")
    if databases:
        parts.append(", ".join(databases))
    date = max(run["date"] for run in runs)[:10]
    return (
        f"*{status} {date} in {len(runs)} runs, on {'; '.join(parts)} "
        "([verification](verification.md)).*"
    )


def _versions(env: dict[str, Any]) -> str:
    parts = [f"Python {env.get('python') or env.get('engine_python')}"]
    if env.get("django"):
        parts.append(f"Django {env['django']}")
    if env.get("postgresql"):
        parts.append(f"PostgreSQL {env['postgresql']} ({env.get('database_provider')})")
    if env.get("mariadb"):
        parts.append(f"MariaDB {env['mariadb']}")
    if env.get("database_provider") == "sqlite":
        parts.append("SQLite")
    parts.append("Docker" if env.get("docker") else "no Docker daemon")
    return ", ".join(parts)
