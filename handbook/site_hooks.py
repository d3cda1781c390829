"""MkDocs hooks: the engine's directives never reach the reader, not even in page source.

Directives are HTML comments, so browsers already hide them; this removes them from the
HTML too. It works on the rendered page, where a directive shown *inside* a code
example has been escaped (``&lt;!--``) and is left alone.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["on_page_content"]

_DIRECTIVE = re.compile(r"<!--\s*handbook:.*?-->\n?", re.S)


def on_page_content(html: str, **_: Any) -> str:
    return _DIRECTIVE.sub("", html)
