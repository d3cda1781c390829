"""nox -s new: a scaffolded chapter is registered as tests/test_registration.py wants."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handbook.scaffold import scaffold
from tests.test_registration import ROOT, chapters, nav

pytestmark = pytest.mark.pages


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The files a new chapter touches, copied from the repository."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for name in ("mkdocs.yml", "noxfile.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_a_new_chapter_has_a_page_a_nav_line_and_a_session_in_order(copy: Path) -> None:
    scaffold(copy, "admin", "The Django admin", 'a superuser, and the admin\'s "login"')

    page = (copy / "docs" / "admin.md").read_text()
    assert page.startswith("# The Django admin\n")
    assert '\n{{ proof("admin") }}\n' in page
    assert nav(copy)[-3:] == ["admin", "verification", "contributing"]
    assert chapters(copy)[-2:] == ["admin", "contributing"]
    assert chapters(copy) == [slug for slug in nav(copy) if slug != "verification"]


@pytest.mark.parametrize(
    ("slug", "error"),
    [("Admin_Page", "a slug is lowercase"), ("testing", "exists already")],
)
def test_a_bad_or_taken_slug_changes_nothing(copy: Path, slug: str, error: str) -> None:
    before = (copy / "mkdocs.yml").read_text(), (copy / "noxfile.py").read_text()

    with pytest.raises(ValueError, match=error):
        scaffold(copy, slug, "Title", "summary")

    assert ((copy / "mkdocs.yml").read_text(), (copy / "noxfile.py").read_text()) == before
