"""Compose's variables: the ``.env`` file as Compose reads it, and ``${VAR}`` interpolation.

Interpolation follows Compose: ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}``,
``${VAR:+other}``, ``$$``; the caller passes the variables, the shell's winning over
the ``.env`` file next to the compose file.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from handbook.errors import Problem

__all__ = ["interpolate", "read_dotenv"]

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")
_VARIABLE = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_]\w*))")


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=value`` lines as Compose reads them: quotes removed, comments skipped."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = _LINE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        name, raw = match.groups()
        if raw[:1] in ("'", '"'):
            try:
                raw = shlex.split(raw)[0] if raw[1:] else ""
            except ValueError:
                raise Problem(f"{path.name}: the value of {name} has no closing quote") from None
        else:
            raw = re.split(r"\s+#", raw, maxsplit=1)[0]
        values[name] = raw
    return values


def interpolate(value: Any, variables: Mapping[str, str], missing: list[str]) -> Any:
    """``value`` (the compose file's YAML) with every variable replaced; the names nothing
    sets are added to ``missing`` (and replaced by an empty string, as Compose does)."""
    if isinstance(value, dict):
        return {k: interpolate(v, variables, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, variables, missing) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        escaped, name, operator, argument, bare = match.groups()
        if escaped:
            return "$"
        name = name or bare
        value = variables.get(name)
        empty = value is None or (value == "" and (operator or "").startswith(":"))
        if operator in (":-", "-"):
            return argument if empty else str(value)
        if operator in (":?", "?") and empty:
            raise Problem(f"required variable {name} is missing a value: {argument}")
        if operator in (":+", "+"):
            return "" if empty else argument
        if value is None:
            missing.append(name)
        return value or ""

    return _VARIABLE.sub(replace, value)
