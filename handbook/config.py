"""What the engine reads from ``mkdocs.yml``: the snippet settings and the ``extra``
values (pages name them through macros) the site uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["site_extra", "snippet_config"]


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, leaving ``!!python/name:`` tags (used by superfences) as None."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_Loader.add_multi_constructor("!", lambda *_: None)


def _site(root: Path) -> dict[str, Any]:
    text = (root / "mkdocs.yml").read_text()
    site = yaml.load(text, Loader=_Loader) or {}  # noqa: S506 (_Loader is a SafeLoader)
    return site if isinstance(site, dict) else {}


def site_extra(root: Path) -> dict[str, Any]:
    """mkdocs.yml's ``extra``: mkdocs-macros gives pages each entry as a variable."""
    extra = _site(root).get("extra") or {}
    return extra if isinstance(extra, dict) else {}


def snippet_config(root: Path) -> dict[str, Any]:
    """pymdownx.snippets' options from mkdocs.yml, base paths made absolute."""
    site = _site(root)
    config: dict[str, Any] = {"base_path": ["."], "check_paths": True}
    for extension in site.get("markdown_extensions", []):
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            config.update(extension["pymdownx.snippets"] or {})
    bases = config["base_path"]
    bases = [bases] if isinstance(bases, str) else bases
    config["base_path"] = [str((root / base).resolve()) for base in bases]
    return config
