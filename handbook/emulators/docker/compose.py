"""The compose file as the emulation reads it: validated, interpolated, service by service.

Validation is the Compose Specification's own JSON schema, as check-jsonschema ships it.
Interpolation follows Compose (``variables``), with the shell's variables winning over
the ``.env`` file next to the compose file.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from handbook.emulators.docker.dockerfile import Healthcheck, seconds
from handbook.emulators.docker.variables import interpolate, read_dotenv
from handbook.errors import Problem

__all__ = ["Port", "Project", "find_compose", "load_project", "validate"]

_SCHEMA = ("--builtin-schema", "vendor.compose-spec")
_CHECK_JSONSCHEMA = (sys.executable, "-m", "check_jsonschema", *_SCHEMA)
NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


@dataclass(frozen=True)
class Port:
    """A published port: ``host_ip:host:container``."""

    host_ip: str
    host: int
    container: int


@dataclass(frozen=True)
class Project:
    """A compose file, interpolated."""

    path: Path
    config: dict[str, Any]

    @property
    def folder(self) -> Path:
        return self.path.parent

    def service(self, name: str) -> dict[str, Any]:
        services: dict[str, Any] = self.config.get("services") or {}
        if name not in services:
            raise Problem(f"no such service: {name} (the services are {', '.join(services)})")
        service: dict[str, Any] = services[name]
        return service

    def names(self) -> list[str]:
        return list(self.config.get("services") or {})

    def environment(
        self, name: str, read: Callable[[Path], dict[str, str]] | None = None
    ) -> dict[str, str]:
        """The service's variables: its env_file(s), then ``environment`` (which wins)."""
        service = self.service(name)
        env: dict[str, str] = {}
        for file in _as_list(service.get("env_file")):
            path = self.folder / (file if isinstance(file, str) else file["path"])
            if read is None and not path.is_file():
                raise Problem(
                    f"env file {path} not found, and the {name} service reads it: "
                    f"create it (cp .env.example {path.name})"
                )
            env.update((read or read_dotenv)(path))
        declared = service.get("environment") or {}
        if isinstance(declared, list):
            declared = dict(item.partition("=")[::2] for item in declared)
        env.update({key: _text(value) for key, value in declared.items() if value is not None})
        return env

    def ports(self, name: str) -> list[Port]:
        ports = []
        for entry in self.service(name).get("ports") or []:
            if isinstance(entry, dict):
                ports.append(
                    Port(entry.get("host_ip", ""), int(entry["published"]), int(entry["target"]))
                )
                continue
            *host, container = str(entry).split("/")[0].rsplit(":", 2)
            ip, published = (host[0], host[1]) if len(host) == 2 else ("", (host or [""])[0])
            ports.append(Port(ip, int(published or container), int(container)))
        return ports

    def build(self, name: str) -> tuple[Path, Path] | None:
        """The build context and Dockerfile of a service that is built, else None."""
        build = self.service(name).get("build")
        if build is None:
            return None
        if isinstance(build, str):
            build = {"context": build}
        context = (self.folder / build.get("context", ".")).resolve()
        return context, context / build.get("dockerfile", "Dockerfile")

    def image(self, name: str) -> str:
        image = self.service(name).get("image") or f"{self.folder.name.lower()}-{name}"
        return str(image) if ":" in str(image) else f"{image}:latest"

    def depends(self, name: str) -> dict[str, str]:
        """Services this one waits for, and the condition it waits for."""
        depends = self.service(name).get("depends_on") or {}
        if isinstance(depends, list):
            return dict.fromkeys(depends, "service_started")
        return {key: value.get("condition", "service_started") for key, value in depends.items()}

    def database(self) -> str | None:
        """The service that runs PostgreSQL from an official image, if there is one."""
        return self._official("postgres:")

    def redis(self) -> str | None:
        """The service that runs Redis from an official image, if there is one."""
        return self._official("redis:")

    def _official(self, image_prefix: str) -> str | None:
        for name in self.names():
            image = str(self.service(name).get("image", "")).rsplit("/", 1)[-1]
            if image.startswith(image_prefix) and not self.service(name).get("build"):
                return name
        return None

    def healthcheck(self, name: str) -> Healthcheck | None:
        """The service's own health check, which replaces its image's HEALTHCHECK."""
        check = self.service(name).get("healthcheck") or {}
        test = check.get("test")
        if test is None:
            return None
        if check.get("disable") or test in (["NONE"], "NONE"):
            raise Problem(f"the {name} service's healthcheck is disabled: not emulated")
        if isinstance(test, str):
            argv = ["/bin/sh", "-c", test]
        elif test[0] == "CMD-SHELL":
            argv = ["/bin/sh", "-c", " ".join(test[1:])]
        else:
            argv = test[1:] if test[0] == "CMD" else test
        return Healthcheck(
            tuple(argv),
            interval=_seconds(check.get("interval"), 30.0),
            timeout=_seconds(check.get("timeout"), 30.0),
            start_period=_seconds(check.get("start_period"), 0.0),
            retries=int(check.get("retries", 3)),
        )

    def order(self, names: list[str]) -> list[str]:
        """``names`` and what they depend on, dependencies first."""
        ordered: list[str] = []

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in path:
                raise Problem(f"{self.path.name}: depends_on makes a cycle: {' -> '.join(path)}")
            for dependency in self.depends(name):
                visit(dependency, (*path, name))
            if name not in ordered:
                ordered.append(name)

        for name in names:
            visit(name, ())
        return ordered


def find_compose(cwd: Path, files: list[str]) -> Path:
    """The compose file ``-f`` names, or the first of Compose's names here or above."""
    if files:
        path = cwd / files[0]
        if not path.is_file():
            raise Problem(f"open {path}: no such file or directory")
        return path
    for folder in (cwd, *cwd.parents):
        for name in NAMES:
            if (folder / name).is_file():
                return folder / name
    raise Problem(f"no compose file ({' or '.join(NAMES[::3])}) in {cwd} or above")


def validate(path: Path) -> None:
    """The file against the Compose Specification's schema, and no obsolete ``version:``."""
    answer = subprocess.run(
        [*_CHECK_JSONSCHEMA, "--color", "never", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if answer.returncode != 0:
        found = (answer.stdout + answer.stderr).strip()
        raise Problem(f"{path.name} does not follow the Compose Specification:\n{found}")
    raw = yaml.safe_load(path.read_text()) or {}
    if "version" in raw:
        raise Problem(
            f"{path.name} has a `version:` key, which is obsolete: Compose ignores it and "
            "warns 'the attribute `version` is obsolete'; remove the line"
        )


def load_project(path: Path, variables: Mapping[str, str]) -> Project:
    """Read and interpolate the compose file; Problem for a variable nothing sets."""
    raw = yaml.safe_load(path.read_text()) or {}
    missing: list[str] = []
    config = interpolate(raw, variables, missing)
    if missing:
        names = ", ".join(dict.fromkeys(missing))
        raise Problem(
            f"{path.name} uses {names}, which neither the environment nor "
            f"{path.parent.name}/.env sets: Compose would put an empty string there. "
            "Set it in .env (cp .env.example .env)"
        )
    return Project(path, config)


def _seconds(duration: str | None, default: float) -> float:
    return default if duration is None else seconds(duration)


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
