"""A code block of a chapter, found with markdown-it-py's CommonMark parser."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from handbook.directive import (
    PYTHON_LANGUAGES,
    Directive,
    Kind,
    default_directive,
    is_directive,
    parse_directive,
)
from handbook.errors import ChapterError
from handbook.source import Line, Source

__all__ = ["Block", "find_blocks"]


@dataclass(frozen=True)
class Block:
    """One fenced code block and what to do with it."""

    chapter: Path
    """The chapter file, relative to the repository root."""
    line: int
    """Line number of the opening fence."""
    end_line: int
    """Line number of the closing fence."""
    language: str
    """The fence's language (first word of its info string), "" if none."""
    lines: Sequence[Line]
    """The block's content, each line traced to its source."""
    directive: Directive

    @property
    def kind(self) -> Kind:
        return self.directive.kind

    @property
    def code(self) -> str:
        return "".join(line.text + "\n" for line in self.lines)

    @property
    def is_python(self) -> bool:
        return self.language in PYTHON_LANGUAGES

    def as_written(self, text: str) -> str:
        """``text`` (new content for this block) with the page's macros put back.

        A line that reads as one of the block's rendered lines goes back as written
        (``{{ version("django") }}``), so ``--update`` keeps the page's macros.
        """
        written = {line.text: line.template for line in self.lines if line.template is not None}
        return "".join(written.get(line, line) + "\n" for line in text.splitlines())

    def where(self, index: int | None = None) -> str:
        """``docs/x.md:LINE`` of the block, or of its content line ``index`` (0-based)."""
        if index is None or not self.lines:
            return f"{self.chapter}:{self.line}"
        line = self.lines[max(0, min(index, len(self.lines) - 1))]
        suffix = f" (line of {line.included})" if line.included else ""
        return f"{self.chapter}:{line.number}{suffix}"

    def __str__(self) -> str:
        return f"{self.chapter}:{self.line}-{self.end_line}"


def find_blocks(source: Source, chapter: Path) -> Iterator[Block]:
    """Every fenced block of the source, paired with its directive."""
    parser = MarkdownIt("commonmark")
    text = "".join(line.text + "\n" for line in source.lines)
    pending: tuple[int, Directive] | None = None
    for token in parser.parse(text):
        if token.map is None:
            continue
        start = token.map[0]
        where = f"{chapter}:{source.lines[start].number}"
        if pending is not None and token.type != "fence":
            raise ChapterError(
                f"{chapter}:{pending[0]}", "a directive must come just before a code block"
            )
        if token.type == "html_block" and is_directive(token.content):
            try:
                directive = parse_directive(token.content)
            except ValueError as error:
                raise ChapterError(where, str(error)) from None
            if directive.kind is Kind.STOP:  # a step without a block of its own
                number = source.lines[start].number
                yield Block(chapter, number, number, "", (), directive)
            else:
                pending = (source.lines[start].number, directive)
            continue
        if token.type == "fence":
            yield _block(source, chapter, token, pending[1] if pending else None)
            pending = None
    if pending is not None:
        raise ChapterError(
            f"{chapter}:{pending[0]}", "a directive must come just before a code block"
        )


def _block(source: Source, chapter: Path, token: Token, directive: Directive | None) -> Block:
    assert token.map is not None
    start, end = token.map
    lines, markup, info = source.lines, token.markup, token.info
    where = f"{chapter}:{lines[start].number}"
    closing = lines[end - 1].text.strip() if end - 1 > start else ""
    if not (closing.startswith(markup) and set(closing) == {markup[0]}):
        raise ChapterError(where, f"this code block is never closed: add a closing {markup}")
    language = info.split(maxsplit=1)[0].lstrip(".{") if info.split() else ""
    directive = directive or default_directive(language)
    if directive is None:
        raise ChapterError(
            where,
            f"a {language or 'plain'} block needs a directive: "
            "<!-- handbook: file path=... -->, <!-- handbook: output -->, "
            'or <!-- handbook: shown reason="..." -->',
        )
    return Block(
        chapter=chapter,
        line=lines[start].number,
        end_line=lines[end - 1].number,
        language=language,
        lines=tuple(
            _dedent(line, _indent(lines[start].text)) for line in lines[start + 1 : end - 1]
        ),
        directive=directive,
    )


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _dedent(line: Line, width: int) -> Line:
    """Remove up to ``width`` leading spaces, as CommonMark does inside a fence."""
    remove = min(width, _indent(line.text))
    return line.cut(remove) if remove else line
