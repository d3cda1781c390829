"""The canary (handbook/canary.py): a chapter that breaks only with newer releases is
reported, at its line and with the versions that moved, while the pinned proof stays green.

The package that moves is made here, as two wheels in a folder the locks resolve from
(``--no-index --find-links``): 1.0 has ``greeting()``, 2.0 removed it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from handbook import canary
from tests.chapters import ENGINE_ROOT, Handbook, engine_pythonpath

pytestmark = pytest.mark.slow

PAGE = """\
# A page that uses a package

```bash
python3 -m venv .venv
.venv/bin/python -m pip install -q --no-index --find-links {wheels} {{{{ pin("canary-demo") }}}}
```

```bash
.venv/bin/python -c 'import canary_demo; print(canary_demo.greeting())'
```
"""


def _wheel(folder: Path, version: str, code: str) -> None:
    """A minimal pure-Python wheel of ``canary-demo``."""
    info = f"canary_demo-{version}.dist-info"
    files = {
        "canary_demo/__init__.py": code,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: canary-demo\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = [f"{name},sha256={_digest(text)},{len(text)}" for name, text in files.items()]
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    with zipfile.ZipFile(folder / f"canary_demo-{version}-py3-none-any.whl", "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


def _uv() -> str:
    found = shutil.which("uv") or shutil.which("uv", path=str(ENGINE_ROOT / ".nox/tools/bin"))
    assert found, "uv is not on PATH: script/bootstrap puts it in .nox/tools/bin"
    return found


@pytest.fixture
def pinned(handbook: Handbook) -> Handbook:
    """A handbook whose lock pins canary-demo 1.0, made by uv while 2.0 was not out."""
    handbook.pins()
    sample = handbook.root / "sample_project"
    wheels = sample / "wheels"
    wheels.mkdir()
    _wheel(wheels, "1.0", "def greeting():\n    return 'hello'\n")
    (sample / "requirements.in").write_text("canary-demo\n")
    (handbook.root / "requirements-nox.txt").write_text("")
    (sample / "requirements.txt").unlink()  # uv would read its versions as preferences
    lock = "pip compile --no-index --find-links wheels requirements.in -o requirements.txt"
    subprocess.run(
        [_uv(), *lock.split(), "--generate-hashes", "--quiet",
         "--custom-compile-command", f"uv {lock}"],  # the header, which the canary runs
        cwd=sample, check=True,
    )  # fmt: skip
    _wheel(wheels, "2.0", "def welcome():\n    return 'hello'\n")  # released later
    handbook.chapter("demo", PAGE.format(wheels=wheels))
    return handbook


def test_a_chapter_broken_only_by_newer_versions_is_reported_by_the_canary(
    pinned: Handbook, tmp_path: Path
) -> None:
    proof = pinned.run("docs/demo.md")
    proof.assert_outcomes(passed=2)
    copy, report = tmp_path / "canary", tmp_path / "canary-report.json"

    moved = canary.prepare(pinned.root, copy, "lts", _uv(), "3.12")
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "handbook.plugin", "-p", "no:cacheprovider",
         "docs/demo.md"],
        cwd=copy, env={**os.environ, "PYTHONPATH": engine_pythonpath(),
                       "HANDBOOK_REPORT": str(report)},
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    entry = canary.record(
        pinned.root, "lts", report, python="3.12", moved=moved, chapters=["demo", "other"]
    )

    assert moved == {"canary-demo": ["1.0", "2.0"]}
    assert ran.returncode == 1, ran.stdout[-2000:]
    assert "has no attribute 'greeting'" in ran.stdout
    line = pinned.line_of("demo", "canary_demo.greeting()")
    assert canary.results(entry) == {
        "demo": f"breaks at docs/demo.md:{line}: command failed with exit status 1",
        "other": "breaks at its set-up (see the log)",
    }
    kept = canary.read_canary(canary.canary_path(pinned.root))
    assert kept["lines"]["lts"]["moved"] == moved
    # The pinned proof is untouched: its report still says passed, its lock still 1.0.
    assert pinned.report()["runs"]["demo"]["status"] == "passed"
    assert "canary-demo==1.0" in (pinned.root / "sample_project/requirements.txt").read_text()


def test_the_newest_line_opens_djangos_ranges_and_keeps_the_rest(tmp_path: Path) -> None:
    root, copy = tmp_path / "root", tmp_path / "copy"
    (root / "sample_project").mkdir(parents=True)
    requirements = "Django>=5.2,<5.3  # the LTS\ndjango-environ>=0.11\n"
    (root / "sample_project/requirements.in").write_text(requirements)
    (root / "sample_project/requirements-dev.in").write_text(
        "django-stubs[compatible-mypy]>=5.2,<5.3\n"
    )
    for name in canary.LOCKS:
        (root / name).write_text("")
    (root / "versions.toml").write_text("[python]\n")

    canary.prepare(root, copy, "newest", _uv(), "3.13")

    assert (copy / "sample_project/requirements.in").read_text() == (
        "Django  # the LTS\ndjango-environ>=0.11\n"
    )
    assert (copy / "sample_project/requirements-dev.in").read_text() == (
        "django-stubs[compatible-mypy]\n"
    )


def test_a_lock_without_its_command_is_named(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sample_project").mkdir(parents=True)
    (root / "sample_project/requirements.txt").write_text("django==5.2.1\n")

    with pytest.raises(canary.CanaryError, match=r"^sample_project/requirements.txt:2: no `uv"):
        canary.prepare(root, tmp_path / "copy", "lts", _uv(), "3.13")


def test_the_tools_versions_toml_pins_move_to_their_newest_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, copy, wheels = tmp_path / "root", tmp_path / "copy", tmp_path / "wheels"
    wheels.mkdir()
    for version in ("1.0", "2.0"):
        _wheel(wheels, version, "")
    (root / "sample_project").mkdir(parents=True)
    for name in canary.LOCKS:
        (root / name).write_text("")
    tools = '[tools]\n# one at a time\ncanary-demo = "1.0"\n\n[kubernetes]\nversion = "1.0"\n'
    (root / "versions.toml").write_text(tools)
    monkeypatch.setenv("UV_NO_INDEX", "1")
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))

    moved = canary.prepare(root, copy, "lts", _uv(), "3.12")

    assert moved == {"canary-demo": ["1.0", "2.0"]}
    assert (copy / "versions.toml").read_text() == tools.replace('"1.0"\n\n', '"2.0"\n\n')
