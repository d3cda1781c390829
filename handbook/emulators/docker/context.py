"""The build context: what ``.dockerignore`` lets in, and where COPY puts it in the image.

The matching is docker-py's (``docker.utils.build.exclude_paths``), not ours. Unlike
docker-py, which always sends the Dockerfile along, a Dockerfile that ``.dockerignore``
lists is left out of what COPY sees, as BuildKit does.
"""

from __future__ import annotations

import fnmatch
import hashlib
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docker.utils.build import PatternMatcher, exclude_paths

from handbook.errors import Problem

__all__ = ["Context", "Copy"]

# What must never reach an image, and why (the short version's ERRATA 13).
_KEEP_OUT = {
    ".env": "it holds the secrets, and anyone who can pull the image could read them",
    ".git": "it holds the whole history, secrets once committed included",
    ".venv": "a virtualenv of this machine does not work in the image, and hides its own",
    "venv": "a virtualenv of this machine does not work in the image, and hides its own",
}


@dataclass(frozen=True)
class Copy:
    """One file or folder a COPY puts in the image."""

    source: str
    """Path in the build context, relative ("" for the context itself)."""
    target: PurePosixPath
    """Absolute path in the image."""


@dataclass(frozen=True)
class Context:
    """A build context folder, as .dockerignore filters it."""

    root: Path
    patterns: tuple[str, ...]
    included: frozenset[str]
    """Relative paths (files and folders) that reach the build."""

    @classmethod
    def read(cls, root: Path, dockerfile: Path) -> Context:
        if not root.is_dir():
            raise Problem(f"the build context {root} is not a folder")
        patterns = _patterns(root / ".dockerignore")
        name = dockerfile.relative_to(root).as_posix() if dockerfile.is_relative_to(root) else ""
        included = exclude_paths(root, list(patterns), dockerfile=name or None)
        if name and PatternMatcher(patterns).matches(name):  # type: ignore[arg-type] # str works
            included.discard(name)
        return cls(root, tuple(patterns), frozenset(included))

    def leaks(self) -> list[str]:
        """What .dockerignore should keep out and does not: one sentence each."""
        matcher = PatternMatcher(self.patterns)
        found = [
            f"{name} ({why})"
            for name, why in _KEEP_OUT.items()
            if not matcher.matches(name)  # type: ignore[arg-type] # docker-py takes str
        ]
        for path in sorted(self.included):
            if path not in _KEEP_OUT and PurePosixPath(path).name == ".env":
                found.append(f"{path} ({_KEEP_OUT['.env']})")
            if PurePosixPath(path).name == "pyvenv.cfg":
                found.append(f"{posixpath.dirname(path)}/ ({_KEEP_OUT['venv']})")
        return found

    def digest(self) -> str:
        """A hash of what the build sees: Docker's cache would reuse a build of the same."""
        sha = hashlib.sha256()
        for path in sorted(self.included):
            file = self.root / path
            if file.is_file():
                sha.update(path.encode() + b"\0" + file.read_bytes() + b"\0")
        return sha.hexdigest()

    def plan(self, sources: list[str], destination: str, workdir: str, where: str) -> list[Copy]:
        """What ``COPY sources destination`` puts where; Problem for a missing source."""
        target = PurePosixPath(workdir, destination)
        into = destination.endswith("/") or len(sources) > 1 or destination in (".", "./")
        copies: list[Copy] = []
        for source in sources:
            wildcard = any(c in source for c in "*?[")
            for path in self._match(source, where):
                if path == "" or (self.root / path).is_dir():
                    copies += self._tree(path, target)
                else:
                    name = PurePosixPath(path).name
                    copies.append(Copy(path, target / name if into or wildcard else target))
        return copies

    def _match(self, source: str, where: str) -> list[str]:
        clean = posixpath.normpath(source.lstrip("/"))
        if clean == ".":
            return [""]
        if clean.startswith(".."):
            raise Problem(f"{where}: COPY {source} reaches outside the build context")
        if any(c in clean for c in "*?["):
            depth = clean.count("/")
            found = [p for p in self.included if p.count("/") == depth]
            matched = sorted(p for p in found if fnmatch.fnmatchcase(p, clean))
        else:
            matched = [clean] if clean in self.included else []
        if matched:
            return matched
        if (self.root / clean).exists():
            raise Problem(
                f"{where}: COPY {source} fails: .dockerignore leaves {clean} out of the "
                "build context; remove it from .dockerignore or stop copying it"
            )
        raise Problem(
            f"{where}: COPY {source} fails: there is no {clean} in the build context "
            f"({self.root.name}/)"
        )

    def _tree(self, folder: str, target: PurePosixPath) -> list[Copy]:
        prefix = f"{folder}/" if folder else ""
        inside = sorted(p for p in self.included if p.startswith(prefix))
        return [Copy(p, target / p[len(prefix) :]) for p in inside]


def _patterns(path: Path) -> list[str]:
    """The patterns of a .dockerignore, as docker-py reads them (comments and blanks out)."""
    if not path.is_file():
        return []
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]
