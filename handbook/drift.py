"""``python -m handbook.drift REPORT...``: what a failed scheduled proof tells the team.

The scheduled run of ``.github/workflows/handbook.yml`` proves the handbook against
today's package index with nothing changed on our side, so a failure there is drift:
an upstream release, a runner image, a service. Each job leaves its
``build/verification.json``; this reads them all and writes the Markdown of the issue
the workflow opens (or comments on): per failed chapter, the block that failed first
and the versions it ran with. Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from handbook.report import broke_at
from handbook.status import Status

__all__ = ["failures", "main", "markdown"]

_VERSIONS = ("python", "django", "postgresql", "mariadb", "engine_python", "platform")


def failures(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The failed runs of every report, by chapter and variant."""
    runs = [run for report in reports for run in report.get("runs", {}).values()]
    return sorted(
        (run for run in runs if run.get("status") == Status.FAILED),
        key=lambda run: (run["chapter"], run.get("variant") or ""),
    )


def markdown(failed: list[dict[str, Any]], run_url: str) -> str:
    """The issue's body: each failure at its page line, with the versions it ran with."""
    lines = [
        f"The scheduled proof failed: {run_url}",
        "",
        "Nothing changed in the repository since the last green run, so something it "
        "depends on did. Per chapter, the block that failed first, and what it ran with:",
        "",
    ]
    for run in failed:
        variant = f" ({run['variant']})" if run.get("variant") else ""
        lines.append(f"- **{run['chapter']}**{variant}: {_where(run)}")
        environment = run.get("environment", {})
        versions = ", ".join(
            f"{key} {environment[key]}" for key in _VERSIONS if environment.get(key)
        )
        if versions:
            lines.append(f"  - ran with {versions}")
    if not failed:
        lines.append("- no chapter failed: a session outside the chapters did (see the run)")
    return "\n".join(lines) + "\n"


def _where(run: dict[str, Any]) -> str:
    where, _, what = (broke_at(run) or "").partition(": ")
    return f"at `{where}`: {what}" if what else f"at `{where}`"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m handbook.drift RUN_URL [REPORT.json...]", file=sys.stderr)
        return 2
    run_url, *paths = args
    reports = [json.loads(Path(path).read_text()) for path in paths]
    print(markdown(failures(reports), run_url), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
