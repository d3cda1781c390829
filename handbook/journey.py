"""The onboarding path, followed by one reader on one machine (``nox -s journey``).

``docs/index.md`` tells a new developer which pages to read on their first day, in
order. The journey runs them so: one HOME for all of them (the reader's, laid out once
as the prerequisites page leaves it), one PostgreSQL server, each page in a clean
folder of its own. Each page must leave the machine as it found it, as always; at the
end the journey checks that the reader's machine is as it was before the first page:
HOME, identity and profile, no database or role left on the server, no process left
that ran in the journey's folders.

This module needs only the standard library: ``noxfile.py`` reads the path with it.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["onboarding_path"]

_FIRST_DAY = "## Your first day"
_LINK = re.compile(r"\]\(([a-z0-9-]+)\.md\)")


def onboarding_path(root: Path) -> list[str]:
    """``docs/<slug>.md`` of the home page, then of each page its first-day table links
    to, in reading order."""
    text = (root / "docs" / "index.md").read_text()
    if _FIRST_DAY not in text:
        raise LookupError(f"docs/index.md has no '{_FIRST_DAY}' section to read the path from")
    section = text.split(_FIRST_DAY, 1)[1].split("\n## ", 1)[0]
    slugs = ["index"]
    for line in section.splitlines():
        if line.startswith("|"):
            slugs += [slug for slug in _LINK.findall(line) if slug not in slugs]
    return [f"docs/{slug}.md" for slug in slugs]
