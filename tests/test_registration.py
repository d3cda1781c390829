"""A page is registered in three places that must agree: mkdocs.yml's nav (the site's
order), noxfile.py's CHAPTERS (one session each, in reading order) and the onboarding
path of docs/index.md. A page left out of one of them silently gets no session, no
place on the site, or no place on the path."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from handbook.journey import onboarding_path
from handbook.site_macros import nav_pages

pytestmark = pytest.mark.pages

ROOT = Path(__file__).resolve().parent.parent
# Pages that are not chapters: nothing on them is run.
NOT_CHAPTERS = {"verification"}


def chapters(root: Path = ROOT) -> list[str]:
    """noxfile.py's CHAPTERS, read without importing nox."""
    tree = ast.parse((root / "noxfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "CHAPTERS":
            return list(ast.literal_eval(node.value))
    raise AssertionError("noxfile.py has no CHAPTERS")


def nav(root: Path = ROOT) -> list[str]:
    """The slugs of mkdocs.yml's nav, in the site's order, as the site's macros read it."""

    # mkdocs.yml's tags (!ENV, !!python/name) need no resolving to read the nav.
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda *_: None)
    config = yaml.load((root / "mkdocs.yml").read_text(), Loader=Loader)
    return [slug for _, slug in nav_pages(config["nav"])]


def test_every_page_is_on_the_site_and_every_chapter_has_a_session() -> None:
    on_disk = {page.stem for page in (ROOT / "docs").glob("*.md")}

    assert set(nav()) == on_disk, "docs/*.md and mkdocs.yml's nav differ"
    assert set(chapters()) == on_disk - NOT_CHAPTERS, "noxfile.py's CHAPTERS: a page is missing"


def test_chapters_are_in_the_sites_reading_order() -> None:
    assert chapters() == [slug for slug in nav() if slug not in NOT_CHAPTERS], (
        "noxfile.py's CHAPTERS and mkdocs.yml's nav list the pages in different orders"
    )


def test_the_onboarding_path_follows_the_reading_order() -> None:
    path = [Path(page).stem for page in onboarding_path(ROOT)]
    order = chapters()

    assert set(path) <= set(order), "the onboarding path links to a page with no session"
    assert path == sorted(path, key=order.index), "the path and CHAPTERS disagree on order"


def test_every_chapter_shows_its_own_proof() -> None:
    """The {{ proof("slug") }} line says when the page was last verified, and on what."""
    for slug in chapters():
        text = (ROOT / "docs" / f"{slug}.md").read_text()
        assert re.findall(r'^\{\{ proof\("([\w-]+)"\) \}\}$', text, re.M) == [slug], slug
