"""MkDocs hooks: the reader sees what they would type, and where a file goes.

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

__all__ = ["on_page_content", "on_page_markdown", "titled"]

_DIRECTIVE = re.compile(r"<!--\s*handbook:.*?-->\n?", re.S)
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def on_page_markdown(markdown: str, **_: Any) -> str:
    return titled(markdown)


def on_page_content(html: str, **_: Any) -> str:
    return _DIRECTIVE.sub("", html)


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
