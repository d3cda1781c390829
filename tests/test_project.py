"""Pages get the team's project as a reader does: `git clone` of its published URL."""

from __future__ import annotations

from tests.chapters import Handbook

PROJECT = """

extra:
  project:
    repository: https://example.com/team/app.git
    folder: app
"""


def test_a_page_clones_the_published_url_and_gets_the_sample_project(handbook: Handbook) -> None:
    """The clone's root is the project, one commit, with the published URL as its origin.

    (`git remote -v` would show the stand-in's path: git expands insteadOf when it reads.)
    """
    (handbook.root / "mkdocs.yml").write_text((handbook.root / "mkdocs.yml").read_text() + PROJECT)
    handbook.pins()  # sample_project/ with its pinned files
    (handbook.root / "sample_project" / "manage.py").write_text("print('hello')\n")
    handbook.chapter_from("clone")

    result = handbook.run("docs/clone.md")

    result.assert_outcomes(passed=3)


def test_without_a_published_project_the_url_reaches_nothing(handbook: Handbook) -> None:
    """No stand-in is made when the site names no project: git fails as it would offline."""
    handbook.pins()
    handbook.chapter_from("clone")
    text = (handbook.root / "docs" / "clone.md").read_text()
    (handbook.root / "docs" / "clone.md").write_text(
        text.replace("{{ project.repository }}", "file:///nowhere/app.git").replace(
            "{{ project.folder }}", "app"
        )
    )

    result = handbook.run("docs/clone.md")

    result.assert_outcomes(failed=1, skipped=2)
    result.stdout.fnmatch_lines(["*fatal: *nowhere/app.git*"])
