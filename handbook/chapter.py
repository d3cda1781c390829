"""A chapter: one page of the handbook, its settings (``handbook.settings``) and its blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from handbook.block import Block, find_blocks
from handbook.directive import Kind
from handbook.errors import ChapterError
from handbook.settings import Settings, settings_from
from handbook.source import Line, Source, flatten, read_source
from handbook.starting import anchor, starting_point

__all__ = ["Chapter", "load_chapter"]

_PYTHON = re.compile(r"python(3\.\d+)")


@dataclass(frozen=True)
class Chapter:
    """A page of the handbook, ready to run."""

    path: Path
    """The chapter file, relative to the repository root (``docs/setup.md``)."""
    settings: Settings
    blocks: Sequence[Block]

    @property
    def slug(self) -> str:
        return self.path.stem

    def second_pythons(self) -> list[str]:
        """The versions of the Pythons its blocks need beside the reader's
        (``needs=python3.12`` gives ``3.12``)."""
        needs = (block.directive.options.get("needs", "") for block in self.blocks)
        names = {name for listed in needs for name in listed.split(",")}
        return sorted(found.group(1) for name in names if (found := _PYTHON.fullmatch(name)))


def load_chapter(path: Path, root: Path, snippet_config: dict[str, Any]) -> Chapter:
    """Read a chapter and check every block and directive in it."""
    relative = path.relative_to(root) if path.is_absolute() else path
    source = read_source(root / relative, snippet_config, relative, root)
    settings = _settings(source.front_matter, relative)
    blocks = tuple(find_blocks(_with_starting_point(source, settings, relative), relative))
    _check_order(blocks)
    return Chapter(relative, settings, blocks)


def _with_starting_point(source: Source, settings: Settings, where: Path) -> Source:
    """The source with the steps its front matter stands for, where the site shows them."""
    added = starting_point(settings, where.as_posix())
    if not added:
        return source
    # Numbered as the front matter's "handbook:" line: that is what asked for them.
    number = next(
        (
            i
            for i, text in enumerate(source.front_matter.split("\n"), start=2)
            if text.startswith("handbook:")
        ),
        1,
    )
    lines = list(source.lines)
    at = anchor([line.text for line in lines])
    lines[at:at] = flatten([Line(text, number) for text in added])
    return replace(source, lines=tuple(lines))


def _settings(front_matter: str, where: Path) -> Settings:
    try:
        meta = yaml.safe_load(front_matter) if front_matter else None
    except yaml.YAMLError as error:
        raise ChapterError(f"{where}:1", f"front matter is not valid YAML: {error}") from None
    return settings_from(meta, where)


def _check_order(blocks: Sequence[Block]) -> None:
    previous: Block | None = None
    for block in blocks:
        if block.kind is Kind.OUTPUT and (previous is None or previous.kind is not Kind.RUN):
            raise ChapterError(
                block.where(), "an output block must follow the run block whose output it is"
            )
        previous = block
