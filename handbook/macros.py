"""A page's macros, rendered as mkdocs-macros renders them for the site.

The site renders a page's Jinja (``{{ version("django") }}``) before anything else, so
the engine does too: the commands it runs are the ones the reader sees. Macros that
read the verification report (``proof``, ``verification_table``) render as "" here;
they are the site's own, written after the chapters ran.

Rendering must keep one line per line, so a failing block still names its line.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2

from handbook.config import site_extra
from handbook.errors import ChapterError
from handbook.site_macros import REPORT_MACROS
from handbook.versions import variables

__all__ = ["render"]

_TEMPLATE = "<template>"


def render(text: str, name: Path, root: Path) -> str:
    """``text`` (a page, ``name`` in errors) with its macros rendered."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    # As mkdocs-macros with `on_undefined: strict`; keeping the final newline too.
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)  # noqa: S701 (Markdown, not HTML)
    try:
        template = env.from_string(text)
    except jinja2.TemplateSyntaxError as error:
        raise ChapterError(
            f"{name}:{error.lineno}",
            f"macro syntax: {error.message} (braces that are not macros, such as bash's "
            "${#name} or a workflow's ${{ }}, go between {% raw %} and {% endraw %})",
        ) from None
    names = {
        **site_extra(root),
        **_versions(root, name),
        **dict.fromkeys(REPORT_MACROS, _report_macro),
    }
    try:
        rendered = template.render(**names)
    except jinja2.UndefinedError as error:
        known = ", ".join(sorted(names))
        raise ChapterError(
            f"{name}:{_line(error)}", f"macro failed: {error} (a page can name: {known})"
        ) from None
    except Exception as error:  # noqa: BLE001 (any error a macro raises names its line)
        raise ChapterError(f"{name}:{_line(error)}", f"macro failed: {error}") from None
    if rendered.count("\n") != text.count("\n"):
        raise ChapterError(
            f"{name}:1",
            "macros changed the number of lines; keep each {{ }} and {% %} to one line "
            "so that errors can name the page's lines",
        )
    return rendered


def _versions(root: Path, name: Path) -> dict[str, Any]:
    """The versions pages can name; a missing or broken version file names itself."""
    try:
        return variables(root)
    except (OSError, ValueError, KeyError) as error:
        raise ChapterError(
            f"{name}:1", f"macros cannot read the versions ({type(error).__name__}: {error})"
        ) from None


def _report_macro(*_: Any, **__: Any) -> str:
    return ""


def _line(error: BaseException) -> int:
    """The page line where a macro raised (Jinja puts it in the traceback)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == _TEMPLATE]
    return (frames[-1].lineno or 1) if frames else 1
