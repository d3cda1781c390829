"""MkDocs hooks: the reader sees what they would type, and where a file goes.

- A page's front matter (hidden by MkDocs) is shown as its starting point: the check
  of the reader's database server, what the page changes on their machine, how to tidy
  up after stopping halfway (``handbook.starting``; the engine runs the same lines).
- A ``file`` block gets its path as its title (``title="apps/users/models.py"``), so the
  reader knows where to save what they see.
- Directives are HTML comments, so browsers already hide them; they are removed from the
  HTML too. That works on the rendered page, where a directive shown *inside* a code
  example has been escaped (``&lt;!--``) and is left alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
# MkDocs loads this file by its path: the engine beside it is made importable here.
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from handbook.directive import Kind, is_directive, parse_directive  # noqa: E402
from handbook.settings import settings_from  # noqa: E402
from handbook.starting import anchor, starting_point  # noqa: E402

__all__ = ["on_page_content", "on_page_markdown", "titled", "with_starting_point"]

_DIRECTIVE = re.compile(r"<!--\s*handbook:.*?-->\n?", re.S)
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    return titled(with_starting_point(markdown, page.meta, f"docs/{page.file.src_uri}"))


def on_page_content(html: str, **_: Any) -> str:
    return _DIRECTIVE.sub("", html)


def with_starting_point(markdown: str, meta: dict[str, Any], page: str) -> str:
    """The page with the steps its front matter stands for (see ``handbook.starting``)."""
    added = starting_point(settings_from(meta, Path(page)), page)
    if not added:
        return markdown
    lines = markdown.split("\n")
    at = anchor(lines)
    return "\n".join([*lines[:at], *added, *lines[at:]])


def titled(markdown: str) -> str:
    """The page with each ``file`` block's path as its title (blocks inside examples aside)."""
    lines = markdown.split("\n")
    closing: str | None = None  # the fence that closes the block we are in
    for index, line in enumerate(lines):
        fence = _FENCE.match(line)
        if closing is not None:
            if fence and fence["fence"].startswith(closing) and not fence["info"].strip():
                closing = None
            continue
        if fence is None:
            continue
        closing = fence["fence"]
        path = _file_path(lines[index - 1]) if index else None
        if path and "title=" not in fence["info"]:
            lines[index] = f'{line.rstrip()} title="{path}"'
    return "\n".join(lines)


def _file_path(line: str) -> str | None:
    if not is_directive(line):
        return None
    try:
        directive = parse_directive(line)
    except ValueError:
        return None  # the engine reports a bad directive with its line
    return directive.options.get("path") if directive.kind is Kind.FILE else None
