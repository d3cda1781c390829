"""Is there a Docker daemon? The engine asks once and reports the answer.

This is the probe only; where no daemon answers, ``emulate=docker`` blocks go to the
emulator, ``handbook.emulators.docker``.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

__all__ = ["docker_available", "docker_version"]


@functools.cache
def docker_version() -> str | None:
    """The daemon's version when one answers, else None (the client alone is not enough)."""
    if shutil.which("docker") is None:
        return None
    try:
        answer = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = answer.stdout.strip()
    return version if answer.returncode == 0 and version else None


def docker_available() -> bool:
    return docker_version() is not None
