"""The published site, checked in a real browser: what a reader meets first."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect


def _pages(site_dir: Path) -> list[str]:
    """Every page of the built site, as a path under the site's root."""
    found = sorted(p.relative_to(site_dir).parent.as_posix() for p in site_dir.rglob("index.html"))
    return ["" if path == "." else f"{path}/" for path in found if not path.startswith("assets")]


def test_every_page_loads_without_errors_or_third_party_requests(
    page: Page, site_url: str, site_dir: Path
) -> None:
    """A console error or a request to another host is a broken or leaking page."""
    errors: list[str] = []
    hosts: set[str] = set()
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    pages = _pages(site_dir)
    assert len(pages) >= 5, pages
    for path in pages:
        response = page.goto(site_url + path)
        assert response is not None, path
        assert response.ok, path
        page.wait_for_load_state("networkidle")
    assert errors == []
    assert hosts == {urlsplit(site_url).netloc}


def test_search_for_migrate_lists_the_database_chapter(page: Page, site_url: str) -> None:
    """Search is how readers come back to a command they half remember."""
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")  # Material's shortcut to the search box
    page.keyboard.type("migrate", delay=30)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=10_000)
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    assert any("/database/" in link for link in links), links


def test_code_blocks_have_a_copy_button(page: Page, site_url: str) -> None:
    """Readers copy commands; a copy button avoids typos."""
    page.goto(site_url + "setup/")
    blocks = page.locator("pre").count()
    buttons = page.locator('button[title="Copy to clipboard"]').count()
    assert blocks > 5
    assert buttons == blocks


def test_content_tabs_switch(page: Page, site_url: str) -> None:
    """Operating-system tabs show the reader their own command."""
    page.goto(site_url + "setup/")
    windows = page.get_by_text("Windows (PowerShell)").first
    windows.click()
    expect(page.get_by_text(r".venv\Scripts\Activate.ps1")).to_be_visible()
    page.get_by_text("Linux and macOS").first.click()
    expect(page.get_by_text("source .venv/bin/activate")).to_be_visible()


def test_diagrams_render_from_the_bundled_mermaid(page: Page, site_url: str) -> None:
    """Diagrams must draw offline, from the site's own copy of mermaid."""
    page.goto(site_url + "git/")
    page.wait_for_load_state("networkidle")
    # Material draws into a closed shadow root: the drawing is seen by its size.
    diagram = page.locator("div.mermaid").first
    expect(diagram).to_be_visible()
    page.wait_for_function("document.querySelector('div.mermaid').offsetHeight > 100")


def test_verification_page_lists_every_chapter_with_its_status(
    page: Page, site_url: str, site_dir: Path
) -> None:
    """The verification page is the reader's proof; a missing chapter is a hole in it.

    Its statuses come from build/verification.json, which a run of the chapters writes
    (`nox` runs them first); without one, each chapter is "not verified yet".
    """
    page.goto(site_url + "verification/")
    table = page.locator("article table").first
    chapters = [p for p in _pages(site_dir) if p not in ("", "verification/")]
    for path in chapters:
        slug = path.rstrip("/")
        link = table.locator(f'a[href$="{slug}/"]')
        assert link.count() >= 1, f"{slug} missing from the verification table"
    statuses = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert len(statuses) >= len(chapters)
    assert set(statuses) <= {"passed", "failed", "not verified yet"}, statuses
    if (site_dir.parent / "build" / "verification.json").exists():
        assert set(statuses) - {"not verified yet"}, "a report, but no chapter shows its run"


def test_verification_page_shows_the_canary_beside_the_proof(
    page: Page, site_url: str, site_dir: Path
) -> None:
    """Each chapter's canary result sits in its own column, and what moved is listed;
    without build/canary.json (`nox -s canary`) the page says the canary has not run."""
    page.goto(site_url + "verification/")
    table = page.locator("article table").first
    headers = table.locator("thead th").all_inner_texts()
    assert headers[-1] == "Canary", headers
    cells = table.locator("tbody tr td:last-child").all_inner_texts()
    said = page.locator("article").inner_text()
    if (site_dir.parent / "build" / "canary.json").exists():
        results = [cell for cell in cells if cell]
        assert results, "a canary report, but no chapter shows its result"
        one = r"\w+: (passes|not proved here|breaks at [^;]+)"
        assert all(re.fullmatch(f"{one}(; {one})*", cell) for cell in results), results
        assert re.search(r"\w+, \d{4}-\d\d-\d\d, Python 3\.\d+, Django ", said), said[-800:]
    else:
        assert not any(cells), cells
        assert "The canary has not run here yet: nox -s canary." in said


def test_navigation_works_at_phone_width(page: Page, site_url: str) -> None:
    """Half of first reads happen on a phone."""
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(site_url)
    page.locator('label.md-header__button[for="__drawer"]').click()
    drawer = page.locator(".md-nav--primary")
    drawer.locator("label.md-nav__link", has_text="Start").first.click()  # open the section
    drawer.get_by_role("link", name="Project setup").click()
    expect(page).to_have_url(re.compile(r"/setup/$"))
    expect(page.locator("h1").first).to_have_text(re.compile(r"^Project setup"))


def test_screenshots(page: Page, site_url: str, screenshots: Path) -> None:
    """Screenshots of the home page, one chapter and the verification page, to look at."""
    for name, path in (("home", ""), ("setup", "setup/"), ("verification", "verification/")):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=screenshots / f"{name}.png", full_page=False)
        assert (screenshots / f"{name}.png").stat().st_size > 10_000
