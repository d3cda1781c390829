"""``nox -s new -- SLUG "Title" "what it proves"``: a new chapter, registered.

Writes ``docs/SLUG.md`` (the title, the page's proof line, the clone into a folder of its
own, and a first block with its output) and registers it where
``tests/test_registration.py`` checks: a line in ``mkdocs.yml``'s nav and an entry in
``noxfile.py``'s CHAPTERS, both just before the "About this handbook" pages, so the two
keep the same order. The onboarding path is left to the author: not every chapter is
for a new developer's first days. Standard library only: nox runs it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

__all__ = ["main", "scaffold"]

_SLUG = re.compile(r"[a-z][a-z0-9-]*")
_NAV_ANCHOR = "  - About this handbook:\n"
_CHAPTERS_ANCHOR = '    "contributing": '
_PAGE = """\
# {title}

Why a developer needs this, in a sentence or two, before how.

{{{{ proof("{slug}") }}}}

## Before you start

This chapter works in a fresh clone of the team's repository:

```bash
mkdir {slug} && cd {slug}  # a new folder: each chapter clones afresh
git clone {{{{ project.repository }}}}
cd {{{{ project.folder }}}}
```

## A first step

The project's entry point is at the root of the clone:

```bash
ls manage.py
```

<!-- handbook: output -->
```text
manage.py
```
"""


def scaffold(root: Path, slug: str, title: str, summary: str) -> list[Path]:
    """Write the page and register it; the files changed. Raises ValueError, saying
    what to do, on a bad slug or a page that exists."""
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"{slug!r}: a slug is lowercase letters, digits and '-' (docs/<slug>.md)")
    page = root / "docs" / f"{slug}.md"
    if page.exists():
        raise ValueError(f"{page.relative_to(root)} exists already: choose another slug")
    mkdocs, noxfile = root / "mkdocs.yml", root / "noxfile.py"
    nav = _insert(mkdocs, _NAV_ANCHOR, f"  - {title}: {slug}.md\n")
    entry = f"    {json.dumps(slug)}: {json.dumps(summary, ensure_ascii=False)},\n"
    chapters = _insert(noxfile, _CHAPTERS_ANCHOR, entry)
    page.write_text(_PAGE.format(slug=slug, title=title))
    mkdocs.write_text(nav)
    noxfile.write_text(chapters)
    return [page, mkdocs, noxfile]


def _insert(path: Path, anchor: str, line: str) -> str:
    """``path``'s text with ``line`` inserted before the line starting with ``anchor``."""
    text = path.read_text()
    at = text.find("\n" + anchor) + 1
    if at == 0:
        raise ValueError(f"{path.name}: no line starting {anchor.strip()!r} to register before")
    return text[:at] + line + text[at:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("slug", help="the page's name: docs/<slug>.md, and its nox session")
    parser.add_argument("title", help="the page's title, also its name in the site's nav")
    parser.add_argument("summary", help="what the page proves, for `nox -l`")
    options = parser.parse_args(argv)
    try:
        changed = scaffold(Path.cwd(), options.slug, options.title, options.summary)
    except ValueError as error:
        print(f"nox -s new: {error}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"wrote {path.relative_to(Path.cwd())}")
    print(
        f"next: nox -s {options.slug}; move its nav line where it belongs (and its CHAPTERS "
        "entry to the same place); for the first days, add a row to docs/index.md's "
        '"Your first day"; docs/contributing.md explains the directives'
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
