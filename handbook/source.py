"""A chapter's text as the site renders it, each line traced back to where it came from.

Two things happen before code blocks can be found:

1. ``--8<--`` includes are expanded by pymdownx.snippets itself, configured as in
   ``mkdocs.yml``, so the bytes we run are the bytes the site shows.
2. Material's containers (admonitions ``!!!``/``???`` and content tabs ``===``) are
   flattened: the opener becomes a blank line and its body is dedented. CommonMark does
   not know these containers and would read their indented bodies as plain code.

Both steps keep one output line per traced source line, so every block line still
names ``docs/<slug>.md:LINE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
from pymdownx.snippets import SnippetExtension, SnippetMissingError

from handbook.errors import ChapterError
from handbook.macros import render
from handbook.proofs import INCLUDE

__all__ = ["Line", "Source", "flatten", "read_source"]

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_CONTAINER = re.compile(r"^(?:!!!|\?\?\?\+?|===\+?)\s")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENT = 4


@dataclass(frozen=True)
class Line:
    """One line of the rendered chapter."""

    text: str
    """The line, without its newline."""
    number: int
    """Line number in the chapter file (1-based); for included text, the include line."""
    included: str | None = None
    """The file this line was included from, if any."""
    template: str | None = None
    """The line as the page has it, when its macros render to something else."""

    def cut(self, width: int) -> Line:
        """The line without its first ``width`` characters (indentation)."""
        template = self.template[width:] if self.template is not None else None
        return Line(self.text[width:], self.number, self.included, template)


@dataclass(frozen=True)
class Source:
    """A chapter after includes and containers are resolved."""

    path: Path
    """The chapter file."""
    front_matter: str
    """The YAML front matter, without its ``---`` fences ("" when there is none)."""
    lines: Sequence[Line]


def read_source(
    path: Path, snippet_config: dict[str, Any], name: Path | None = None, root: Path | None = None
) -> Source:
    """Read a chapter, render its macros, expand its includes and flatten its containers.

    ``name`` is how errors name the file (``docs/x.md``); the path itself by default.
    ``root`` is the repository, where macros read versions; without it, none are rendered.
    """
    text = path.read_text(encoding="utf-8")
    front_matter = ""
    match = _FRONT_MATTER.match(text)
    if match:
        front_matter = match.group(1)
        # Blank lines keep the numbering of everything after the front matter.
        text = "\n" * match.group(0).count("\n") + text[match.end() :]
    raw = text.split("\n")
    if root is not None:
        rendered = render(text, name or path, root).split("\n")
        templates = [line if line != out else None for line, out in zip(raw, rendered, strict=True)]
        raw = rendered
    else:
        templates = [None] * len(raw)
    if raw and raw[-1] == "":
        raw.pop()
    expanded = list(_expand(name or path, raw, templates, snippet_config))
    return Source(path, front_matter, flatten(expanded))


def _expand(
    path: Path, raw: list[str], templates: list[str | None], config: dict[str, Any]
) -> Iterable[Line]:
    snippets = _snippet_preprocessor(config)
    for number, text in enumerate(raw, start=1):
        if "--8<--" not in text:
            yield Line(text, number, template=templates[number - 1])
            continue
        try:
            lines = snippets.run([text])
        except SnippetMissingError as error:
            raise ChapterError(f"{path}:{number}", f"include not found: {error}") from None
        included = _include_target(text)
        if lines and not lines[-1].strip() and text.strip():
            # The included file's final newline, not an empty line (in a box, the snippet
            # indents it too); the site drops it the same way.
            lines = lines[:-1]
        for line in lines:
            yield Line(line, number, included)


def _include_target(text: str) -> str | None:
    match = INCLUDE.search(text)
    return match.group(2) if match else None


def _snippet_preprocessor(config: dict[str, Any]) -> Any:
    options = {key: value for key, value in config.items() if key != "url_download"}
    md = markdown.Markdown(extensions=[SnippetExtension(**options)])
    return md.preprocessors["snippet"]


def flatten(lines: list[Line]) -> list[Line]:
    """Blank container openers and dedent their bodies, leaving fenced code alone."""
    out: list[Line] = []
    stack: list[int] = []  # indentation of each open container's body
    fence: tuple[str, int] | None = None  # (fence string, indentation) while inside one
    for line in lines:
        text = line.text
        blank = not text.strip()
        if fence is None:
            while stack and not blank and _indent_of(text) < stack[-1]:
                stack.pop()
        depth = stack[-1] if stack else 0
        body = "" if blank else text[min(depth, _indent_of(text)) :]
        if fence is not None:
            if body.strip().startswith(fence[0]) and set(body.strip()) == {fence[0][0]}:
                fence = None
        elif (opened := _FENCE_OPEN.match(body)) is not None:
            fence = (opened.group(1), depth)
        elif _CONTAINER.match(body):
            stack.append(depth + _INDENT)
            body = ""
        cut = line.cut(len(text) - len(body)) if body else Line("", line.number, line.included)
        out.append(cut)
    return out


def _indent_of(text: str) -> int:
    return len(text) - len(text.lstrip(" "))
