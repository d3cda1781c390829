"""The audit emulator: pip-audit blocks on a machine where PyPI's vulnerability service
does not answer.

pip-audit asks PyPI's JSON API (``/pypi/<name>/<version>/json``) for each package's
advisories. Where that answers (:data:`SERVICE` returns its ``vulnerabilities`` list),
``emulate=audit`` blocks run for real. Elsewhere (a partial mirror answers 404 for every
version, so pip-audit would call every package "not found on PyPI") each line of the
block that runs ``pip-audit`` runs in the chapter's terminal with ``--dry-run``, and any
other line runs as it is.

What is checked: pip-audit is installed where the page put it, its options parse, and it
reads every requirement it is given (a missing file, an unpinned or unhashed line under
``--disable-pip`` fail); it must exit 0 and say how many packages it would have audited.
What is not: whether any package has a known vulnerability. The block's reason in the
report says so, with why the service was not used.
"""

from __future__ import annotations

import functools
import http.client
import json
import re
import shlex
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from handbook.emulators.lines import (
    Command,
    Deadline,
    chunks,
    commands,
    failure,
    ran_for_real,
    run_in_terminal,
)
from handbook.status import Outcome, Status

if TYPE_CHECKING:
    from handbook.block import Block
    from handbook.desk import Desk

__all__ = ["SERVICE", "available", "emulate", "unavailable_reason"]

SERVICE = "https://pypi.org/pypi/django/5.2.19/json"
"""A released version's JSON on PyPI: where pip-audit's service answers, this has a
``vulnerabilities`` list (any released version would do; this is the sample project's
Django). Tests point it at a stand-in."""
TIMEOUT = 5.0
"""Seconds the service has to answer."""

# The pip-audit command of a line (after any VAR=value words): --dry-run goes after it.
_PIP_AUDIT = re.compile(r"^\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:\S*/)?pip-audit(?=\s|$)")
_DRY_RUN = re.compile(r"would have audited (\d+) packages?")
_REQUIREMENT_FILE = re.compile(r"^(?:-r|--requirement)(?:=(.+))?$")
_OPERATORS = frozenset(("&&", "||", ";", "|", "&"))
_DRY = "pip-audit --dry-run"


def available() -> bool:
    """True when PyPI's vulnerability service answers: audit blocks then run for real."""
    return unavailable_reason() is None


@functools.cache
def unavailable_reason() -> str | None:
    """Why the service cannot be used here (the URL, and its status or error), or None.
    Asked once per process."""
    try:
        with urllib.request.urlopen(SERVICE, timeout=TIMEOUT) as answer:
            body = answer.read()
    except urllib.error.HTTPError as error:
        return f"{SERVICE}: HTTP {error.code}"
    except urllib.error.URLError as error:
        return f"{SERVICE}: {error.reason}"
    except (OSError, http.client.HTTPException) as error:
        return f"{SERVICE}: {error or type(error).__name__}"
    try:
        data = json.loads(body)
    except ValueError:
        return f"{SERVICE}: the answer is not JSON"
    if not isinstance(data, dict) or "vulnerabilities" not in data:
        return f"{SERVICE}: the answer has no vulnerabilities list"
    return None


def emulate(desk: Desk, block: Block) -> Outcome:
    """Run the block's pip-audit lines with --dry-run and its other lines as they are;
    Failure naming the page's line when one fails."""
    timeout = desk.timeout(block)
    deadline = Deadline.after(timeout)
    lines = [
        Command(index, text, _DRY if _PIP_AUDIT.match(text) else "")
        for index, text in commands(block)
    ]
    notes: list[str] = []
    for chunk in chunks(lines):
        if chunk[0].emulated:
            notes.append(_audit(desk, block, chunk[0], deadline))
        else:
            run_in_terminal(desk, block, chunk, deadline)
            notes.append(ran_for_real(chunk))
    why = unavailable_reason()
    if why is not None:
        notes.insert(0, f"PyPI's vulnerability service did not answer here ({why})")
    return Outcome(Status.EMULATED, "emulated: " + "; ".join(notes))


def _audit(desk: Desk, block: Block, line: Command, deadline: Deadline) -> str:
    """Run one pip-audit line with --dry-run; the note saying what it read."""
    match = _PIP_AUDIT.match(line.text)
    assert match is not None  # only such lines are emulated
    dry = f"{line.text[: match.end()]} --dry-run{line.text[match.end() :]}"
    output = run_in_terminal(desk, block, [line], deadline, dry + "\n")
    found = _DRY_RUN.search(output)
    if found is None:
        problem = "pip-audit --dry-run did not say how many packages it would have audited"
        raise failure(desk, block, line, problem, output)
    files, pinned = _requirement_files(line.text[match.end() :])
    packages = f"the {found.group(1)} {'pinned ' if pinned else ''}packages"
    where = f" of {' and '.join(files)}" if files else ""
    return f"pip-audit --dry-run read {packages}{where} and audited none"


def _requirement_files(arguments: str) -> tuple[list[str], bool]:
    """The requirement files pip-audit is given, and whether it reads them as pinned
    (--disable-pip: every line must pin its version)."""
    try:
        words = shlex.split(arguments, comments=True)
    except ValueError:
        return [], False
    ends = [index for index, word in enumerate(words) if word in _OPERATORS]
    words = words[: ends[0]] if ends else words  # pip-audit's own arguments only
    files: list[str] = []
    for word, following in zip(words, [*words[1:], ""], strict=True):
        found = _REQUIREMENT_FILE.match(word)
        if found:
            files.append(found.group(1) or following)
    return [name for name in files if name], "--disable-pip" in words
