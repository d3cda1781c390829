"""Check that every requirement in pip requirements files is pinned, with hashes.

    python check_pinned.py requirements.txt requirements-dev.txt

A pinned requirement names one exact version (``name==1.2.3``) and carries at least
one ``--hash=sha256:...``: pip then installs exactly the files that were reviewed, and
refuses a download whose content changed. Exit status 1 lists each line that is not.
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path

# name[extras]==version; an environment marker ("; python_version < '3.11'") may follow.
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?==[^\s;=*]+$")


def requirements(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (line number, requirement, its options) for each requirement."""
    logical, start = "", 0
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.split(" #", 1)[0].strip()
        if line.startswith("#"):
            line = ""
        if not logical:
            start = number
        logical += " " + line.removesuffix("\\")
        if line.endswith("\\"):
            continue
        words, logical = logical.split(), ""
        if words:
            options = [word for word in words if word.startswith("--")]
            requirement = " ".join(word for word in words if word not in options)
            yield start, requirement, options


def problem(requirement: str, options: list[str]) -> str | None:
    """What is wrong with one requirement, or None when it is pinned with hashes."""
    if requirement.startswith("-"):
        return "an option, not a pinned requirement (compile the file instead)"
    if not PINNED.match(requirement.split(";", 1)[0].strip()):
        return "not pinned to one version (use ==)"
    if not any(option.startswith("--hash=") for option in options):
        return "no --hash (pip cannot check what it downloads)"
    return None


def main(paths: list[str]) -> int:
    failed = 0
    for name in paths:
        found = bad = 0
        for number, requirement, options in requirements(Path(name)):
            found += 1
            reason = problem(requirement, options)
            if reason:
                bad += 1
                print(f"{name}:{number}: {requirement}: {reason}")
        if bad:
            print(f"{name}: {bad} of {found} requirements are not pinned with hashes")
        else:
            print(f"{name}: all {found} requirements are pinned, with hashes")
        failed += bad
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
