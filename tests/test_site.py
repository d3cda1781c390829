"""The site built from the chapters: strict about includes, silent about directives."""

from __future__ import annotations

import subprocess
import sys

from tests.chapters import ENGINE_ROOT, Handbook

# The project's own site configuration, on a tiny docs folder and MkDocs' built-in theme
# (Material is slow to build). `handbook/` is linked beside it so the hooks and macros the
# project's mkdocs.yml names resolve as they do in the repository.
SITE = f"""\
INHERIT: {ENGINE_ROOT / "mkdocs.yml"}
site_name: A throwaway handbook
docs_dir: docs
site_dir: site
theme:
  name: mkdocs
  custom_dir: {ENGINE_ROOT / "overrides"}
watch: []
nav:
  - Home: index.md
"""
WITH_PREREQUISITES = SITE + "  - Prerequisites: prerequisites.md\n"
PAGE = """\
# A chapter

<!-- handbook: run timeout=5 -->
```bash
echo "the reader types this"
```

<!-- handbook: shown reason="an example of chapter source" -->
````markdown
<!-- handbook: run fails -->
```bash
false
```
````
"""


def build_site(
    handbook: Handbook, *args: str, config: str = SITE
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of the handbook's docs with the project's site configuration."""
    (handbook.root / "mkdocs.yml").write_text(config)
    (handbook.root / "handbook").symlink_to(ENGINE_ROOT / "handbook", target_is_directory=True)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=handbook.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_directives_are_not_in_the_built_site(handbook: Handbook) -> None:
    """The reader sees what they would type, and no test scaffolding, not even in the source."""
    handbook.chapter("index", PAGE)

    built = build_site(handbook)

    assert built.returncode == 0, built.stderr
    html = (handbook.root / "site" / "index.html").read_text()
    assert "the reader types this" in html
    assert "<!-- handbook:" not in html


def test_a_directive_shown_inside_an_example_stays_on_the_page(handbook: Handbook) -> None:
    """The contributor guide shows directives as examples; those must not be stripped."""
    handbook.chapter("index", PAGE)

    built = build_site(handbook)

    assert built.returncode == 0, built.stderr
    html = (handbook.root / "site" / "index.html").read_text()
    assert "&lt;!-- handbook: run fails --&gt;" in html


def test_a_missing_include_fails_the_strict_site_build(handbook: Handbook) -> None:
    """An include that fails open would publish a page with an empty block."""
    handbook.chapter("index", '# A chapter\n\n```bash\n--8<-- "nope.txt"\n```\n')

    built = build_site(handbook, "--strict")

    assert built.returncode != 0
    assert "Snippet at path 'nope.txt' could not be found" in built.stderr


FILE_PAGE = """\
# A chapter

<!-- handbook: file path=apps/shop/models.py -->
```python
SHOP = "open"
```

<!-- handbook: shown reason="an example of chapter source" -->
````markdown
<!-- handbook: file path=example/only.py -->
```python
EXAMPLE = 1
```
````
"""


def test_a_file_block_shows_the_path_to_save_it_at(handbook: Handbook) -> None:
    """A reader must know where a file goes; an example of chapter source stays as written."""
    handbook.chapter("index", FILE_PAGE)

    built = build_site(handbook)

    assert built.returncode == 0, built.stderr
    html = (handbook.root / "site" / "index.html").read_text()
    assert '<span class="filename">apps/shop/models.py</span>' in html
    assert "example/only.py</span>" not in html
    assert "<!-- handbook: file path=example/only.py --&gt;" in html.replace("&lt;", "<")


SERVER_PAGE = """\
---
handbook:
  database: postgresql
---

# A chapter on the reader's server

## Before you start

Some text.
"""


def test_the_front_matter_is_shown_as_the_readers_first_step(handbook: Handbook) -> None:
    """MkDocs hides front matter; what it asks of the reader's machine must be on the page."""
    handbook.chapter("index", SERVER_PAGE)
    handbook.chapter("prerequisites", "# Prerequisites\n\n## Your PostgreSQL server\n")

    built = build_site(handbook, "--strict", config=WITH_PREREQUISITES)

    assert built.returncode == 0, built.stderr
    html = (handbook.root / "site" / "index.html").read_text()
    assert "Your PostgreSQL server" in html
    assert "rolcreatedb AND rolcreaterole" in html
    assert html.index("Before you start") < html.index("Your PostgreSQL server")
    assert html.index("Your PostgreSQL server") < html.index("Some text.")
    assert "<!-- handbook:" not in html
