"""The site as pages.yml publishes it: repository and edit links, and mike's versions."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

EDIT_BUTTON = 'a.md-content__button[title="Edit this page"]'
HEADER_SOURCE = ".md-header a.md-source"


def _open(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None, url
    assert response.ok, url
    page.wait_for_load_state("networkidle")


def test_a_local_build_has_no_repository_edit_or_version_links(
    page: Page, site_url: str, console_errors: list[str]
) -> None:
    """Built without the publishing variables, the site names no repository it cannot know."""
    _open(page, site_url + "setup/")
    assert page.locator("a.md-source").count() == 0
    assert page.locator(EDIT_BUTTON).count() == 0
    assert page.locator(".md-version").count() == 0
    assert console_errors == []


def test_a_published_chapter_links_to_its_source_and_the_repository(
    page: Page, published_url: str, publishing: dict[str, str], console_errors: list[str]
) -> None:
    """The edit button opens the chapter's Markdown; the header links the repository."""
    repository = publishing["HANDBOOK_REPO_URL"]
    _open(page, published_url + "setup/")
    expect(page.locator(EDIT_BUTTON)).to_have_attribute(
        "href", f"{repository}/edit/main/docs/setup.md"
    )
    source = page.locator(HEADER_SOURCE)
    expect(source).to_have_attribute("href", repository)
    expect(source).to_contain_text(publishing["HANDBOOK_REPO_NAME"])
    canonical = page.locator('link[rel="canonical"]')
    expect(canonical).to_have_attribute("href", publishing["HANDBOOK_SITE_URL"] + "setup/")
    assert console_errors == []


def test_every_published_page_has_its_own_edit_link(
    page: Page, published_url: str, publishing: dict[str, str], site_dir: Path
) -> None:
    """Each page's button edits that page's own file, the generated ones included."""
    for path in ("", "verification/", "contributing/"):
        _open(page, published_url + path)
        source = (path.rstrip("/") or "index") + ".md"
        assert (site_dir.parent / "docs" / source).exists(), source
        expect(page.locator(EDIT_BUTTON)).to_have_attribute(
            "href", f"{publishing['HANDBOOK_REPO_URL']}/edit/main/docs/{source}"
        )


def test_the_site_opens_on_latest_which_is_the_newest_release(
    page: Page, versioned_url: str, console_errors: list[str], screenshots: Path
) -> None:
    """The root redirects to `latest`, which serves 0.2; the selector lists both releases."""
    _open(page, versioned_url)
    expect(page).to_have_url(versioned_url + "latest/")
    expect(page.get_by_text("as release 0.2.")).to_be_visible()
    expect(page.get_by_text("as release 0.1.")).to_have_count(0)
    # The current release is named, with its alias (extra.version.alias).
    expect(page.locator(".md-version__current")).to_have_text(re.compile(r"^0\.2\s*latest$"))
    links = page.locator(".md-version__link")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_attribute("href", versioned_url + "0.2/")
    expect(links.nth(0)).to_have_text(re.compile(r"^0\.2\s*latest$"))
    expect(links.nth(1)).to_have_text("0.1")
    expect(links.nth(1)).to_have_attribute("href", versioned_url + "0.1/")
    page.locator(".md-version").hover()
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.md-version__list')).opacity === '1'"
    )
    page.screenshot(path=screenshots / "versions.png")
    assert console_errors == []


def test_choosing_an_older_release_keeps_the_chapter(
    page: Page, versioned_url: str, publishing: dict[str, str], console_errors: list[str]
) -> None:
    """From a chapter of `latest`, picking 0.1 opens the same chapter in 0.1."""
    _open(page, versioned_url + "latest/setup/")
    page.locator(".md-version").hover()
    page.locator(".md-version__link", has_text="0.1").click()
    expect(page).to_have_url(versioned_url + "0.1/setup/")
    expect(page.locator(".md-version__current")).to_have_text("0.1")
    expect(page.locator("h1").first).to_have_text(re.compile(r"^Project setup"))
    canonical = page.locator('link[rel="canonical"]')
    # mike puts the version in the site URL: search engines find each release's page.
    expect(canonical).to_have_attribute("href", publishing["HANDBOOK_SITE_URL"] + "0.1/setup/")
    _open(page, versioned_url + "0.1/")
    expect(page.get_by_text("as release 0.1.")).to_be_visible()  # 0.1's own build
    assert console_errors == []
